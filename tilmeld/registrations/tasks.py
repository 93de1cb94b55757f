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


@task()
def expire_offers(event_id: int) -> int:
    """Withdraws the event's offers whose deadline has passed and offers the seats on. Safe to
    run again and at any time: an offer not yet due is left alone (services.offers)."""
    from tilmeld.registrations.services import offers

    event = Event.objects.filter(pk=event_id).first()
    return 0 if event is None else len(offers.expire_offers(event))


def schedule_offer_expiry(event: Event, deadline) -> None:
    """Queues expire_offers for the deadline, in the caller's transaction. Backends that cannot
    wait (the immediate one in tests) leave it to `tilmeld expire_offers`."""
    if expire_offers.get_backend().supports_defer:
        expire_offers.using(run_after=deadline).enqueue(event.pk)
