from django.utils import timezone
from django_tasks import task

from tilmeld.events.models import Event
from tilmeld.registrations.services import reminders


@task()
def send_event_reminders(event_id: int) -> int:
    """Runs when the reminder falls due. If the event moved later, it waits for the new time."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    due = reminders.due_at(event)
    if due is not None and due > timezone.now():
        schedule_reminders(event)
        return 0
    return reminders.send_event_reminders(event)


def schedule_reminders(event: Event) -> None:
    """Queues the reminder task for the event's due time (a no-op once the event has started)."""
    due = reminders.due_at(event)
    if due is None or event.starts_at <= timezone.now():
        return
    run_after = max(due, timezone.now())
    send_event_reminders.using(run_after=run_after).enqueue(event.pk)
