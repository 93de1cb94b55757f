"""Reminders a few days before the event, with the calendar file and the manage link."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from tilmeld.events.models import Event
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.services import mails

KIND = "reminder"


def due_at(event: Event) -> dt.datetime | None:
    if event.reminder_days is None or event.is_cancelled:
        return None
    return event.starts_at - dt.timedelta(days=event.reminder_days)


def send_event_reminders(event: Event, now=None) -> int:
    """Queues one reminder per confirmed participant who has not had one, once the reminder is
    due and until the event starts. Safe to run again: nobody is reminded twice."""
    now = now or timezone.now()
    due = due_at(event)
    if due is None or not (due <= now < event.starts_at):
        return 0
    reference = f"{KIND}:{event.pk}"
    with transaction.atomic():
        reminded = set(
            OutboxMessage.objects.filter(reference=reference).values_list(
                "params__participant", flat=True
            )
        )
        participants = event.participants.filter(status=ParticipantStatus.CONFIRMED).exclude(
            pk__in=reminded
        )
        count = 0
        for participant in participants:
            mails.to_participant(participant, KIND, reference=reference)
            count += 1
    return count


def send_due_reminders(now=None) -> int:
    """All events whose reminder is due: for a cron job or the scheduled task."""
    now = now or timezone.now()
    events = Event.objects.filter(
        reminder_days__isnull=False, is_cancelled=False, starts_at__gt=now
    ).filter(starts_at__lte=now + dt.timedelta(days=60))
    return sum(send_event_reminders(event, now) for event in events if due_at(event) <= now)
