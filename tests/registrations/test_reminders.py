import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from tests.factories import EventFactory, register_people
from tilmeld.registrations.services.changes import cancel_registration
from tilmeld.registrations.services.reminders import send_due_reminders, send_event_reminders

pytestmark = pytest.mark.django_db


def test_reminder_goes_once_to_each_confirmed_participant_when_due(site):
    event = EventFactory(capacity=2, reminder_days=2, waiting_list_mode="automatic")
    _anne, bo, _cai = register_people(event, "Anne", "Bo", "Cai")  # Cai waits
    register_people(event, "Dea")  # waits behind Cai
    cancel_registration(bo)  # Cai moves up
    mail.outbox.clear()
    due = event.starts_at - dt.timedelta(days=2)

    with time_machine.travel(due - dt.timedelta(minutes=1)):
        early = send_event_reminders(event)
    with time_machine.travel(due + dt.timedelta(minutes=1)):
        first = send_event_reminders(event)
        again = send_event_reminders(event)

    assert (early, first, again) == (0, 2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne <anne@example.org>",
        "Cai <cai@example.org>",
    ]
    reminder = mail.outbox[0]
    assert reminder.subject == f"Påmindelse: {event.title}"
    assert "/tilmelding/" in reminder.body
    assert reminder.attachments[0][0] == f"{event.slug}.ics"


def test_no_reminder_when_switched_off_or_after_start(site):
    off = EventFactory(reminder_days=None)
    started = EventFactory(reminder_days=2)
    register_people(off, "A")
    register_people(started, "B")
    mail.outbox.clear()

    with time_machine.travel(started.starts_at + dt.timedelta(minutes=5)):
        assert send_due_reminders() == 0
    assert mail.outbox == []


def test_command_sends_due_reminders(site, capsys):
    event = EventFactory(reminder_days=40)  # the factory's event is 30 days ahead: due now
    register_people(event, "A")

    call_command("send_reminders")

    assert capsys.readouterr().out == "1 reminders queued.\n"
