"""Waiting-list offers: a freed seat is held for the first in line until they answer."""

import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.core.dates import datetime_text
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import SeatCount
from tilmeld.registrations.selectors import availability
from tilmeld.registrations.services.changes import (
    cancel_registration,
    promote_from_waiting_list,
    promote_participant,
)
from tilmeld.registrations.services.offers import (
    accept_offer,
    decline_offer,
    expire_offers,
    offer_seat,
)

pytestmark = pytest.mark.django_db


def statuses(event):
    return [(p.name, p.status) for p in event.participants.order_by("id")]


def seat_counts(event):
    seats = SeatCount.objects.get(pk=event.pk)
    return seats.confirmed, seats.offered, seats.waiting


def full_event_with_line(**fields):
    """Anne holds the only seat; Bo and Cai wait in that order."""
    event = EventFactory(capacity=1, **fields)
    anne, bo, cai = register_people(event, "Anne", "Bo", "Cai")
    mail.outbox.clear()
    return event, anne, bo, cai


def test_a_freed_seat_is_offered_to_the_first_in_line_with_a_deadline(site):
    event, anne, bo, _cai = full_event_with_line()
    now = (timezone.now() + dt.timedelta(hours=1)).replace(minute=37, second=12)

    with time_machine.travel(now, tick=False):
        cancel_registration(anne)

    bo.refresh_from_db()
    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "offered"), ("Cai", "waiting")]
    # 48 hours, up to the next full hour
    assert bo.offer_expires_at == now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(
        hours=49
    )
    assert seat_counts(event) == (0, 1, 1)
    assert availability(event, fresh=True).seats_left == 0  # held for Bo, never given twice
    offer = mail.outbox[1]
    deadline = datetime_text(bo.offer_expires_at)
    assert offer.to == ["Bo <bo@example.org>"]
    assert offer.subject == f"En plads til dig: {event.title} (svar senest {deadline})"
    assert f"Svar senest {deadline}." in offer.body
    assert f"/tilmelding/{bo.manage_token}/tilbud/\n" in offer.body
    assert f"/tilmelding/{bo.manage_token}/tilbud/?answer=decline\n" in offer.body
    assert offer.attachments == []  # no calendar file before the seat is theirs
    assert list(bo.changes.values_list("action", "by_participant")) == [
        (ChangeAction.REGISTERED, True),
        (ChangeAction.WAITING, True),
        (ChangeAction.OFFERED, False),  # made by the waiting list's rule, not by Bo
    ]


def test_the_answer_time_is_shortened_so_the_offer_never_runs_past_the_start(site):
    event, anne, bo, _cai = full_event_with_line(offer_hours=48)
    ten_hours_before = event.starts_at - dt.timedelta(hours=10)

    with time_machine.travel(ten_hours_before, tick=False):
        cancel_registration(anne, by=StaffFactory())

    bo.refresh_from_db()
    assert bo.offer_expires_at == event.starts_at


def test_no_offer_is_made_in_the_last_two_hours_before_the_start(site):
    event, anne, _bo, _cai = full_event_with_line()

    with time_machine.travel(event.starts_at - dt.timedelta(minutes=119), tick=False):
        cancel_registration(anne, by=StaffFactory())

    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "waiting"), ("Cai", "waiting")]
    assert [m.to for m in mail.outbox] == [["Anne <anne@example.org>"]]


def test_automatic_promotion_before_the_binding_date_confirms_at_once(site):
    event, anne, _bo, _cai = full_event_with_line(
        waiting_list_mode="automatic", binding_at=timezone.now() + dt.timedelta(days=5)
    )

    cancel_registration(anne)

    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "confirmed"), ("Cai", "waiting")]


def test_automatic_promotion_after_the_binding_date_makes_an_offer_instead(site):
    event, anne, _bo, _cai = full_event_with_line(
        waiting_list_mode="automatic", binding_at=timezone.now() + dt.timedelta(days=5)
    )

    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        cancel_registration(anne, by=StaffFactory())

    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "offered"), ("Cai", "waiting")]


def test_accepting_confirms_the_seat_and_mails_the_calendar_file(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)
    mail.outbox.clear()

    accept_offer(bo)

    bo.refresh_from_db()
    assert (bo.status, bo.offer_expires_at) == ("confirmed", None)
    assert seat_counts(event) == (1, 0, 1)
    [confirmation] = mail.outbox
    assert confirmation.subject == f"Du har fået en plads: {event.title}"
    assert f"Tak, fordi du sagde ja til pladsen. Din tilmelding til {event.title}" in (
        " ".join(confirmation.body.split())
    )
    assert confirmation.attachments[0][0] == f"{event.slug}.ics"
    assert bo.changes.last().action == ChangeAction.OFFER_ACCEPTED


def test_accepting_after_the_deadline_is_refused_and_the_seat_stays_held(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)
    bo.refresh_from_db()

    with (
        time_machine.travel(bo.offer_expires_at + dt.timedelta(seconds=1)),
        pytest.raises(RegistrationError) as error,
    ):
        accept_offer(bo)

    assert error.value.code == "offer_expired"
    assert str(error.value) == "Tilbuddet er udløbet."
    assert seat_counts(event) == (0, 1, 1)


def test_declining_offers_the_seat_to_the_next_in_line(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)
    mail.outbox.clear()

    decline_offer(bo)

    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "cancelled"), ("Cai", "offered")]
    assert seat_counts(event) == (0, 1, 0)
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("Bo <bo@example.org>", f"Du har sagt nej tak til pladsen: {event.title}"),
        ("Cai <cai@example.org>", mail.outbox[1].subject),
    ]
    assert mail.outbox[1].subject.startswith(f"En plads til dig: {event.title} (svar senest ")


def test_an_unanswered_offer_expires_once_and_moves_on(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)
    bo.refresh_from_db()
    mail.outbox.clear()
    after = bo.offer_expires_at + dt.timedelta(minutes=1)

    with time_machine.travel(after):
        first = expire_offers(event)
        again = expire_offers(event)

    assert ([p.name for p in first], again) == (["Bo"], [])
    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "cancelled"), ("Cai", "offered")]
    assert seat_counts(event) == (0, 1, 0)
    assert [m.to[0] for m in mail.outbox] == ["Bo <bo@example.org>", "Cai <cai@example.org>"]
    assert mail.outbox[0].subject == f"Den tilbudte plads er gået videre: {event.title}"
    assert bo.changes.last().action == ChangeAction.OFFER_EXPIRED
    assert bo.changes.last().by_participant is False


def test_an_offer_not_yet_due_is_left_alone(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)

    assert expire_offers(event) == []
    bo.refresh_from_db()
    assert bo.status == ParticipantStatus.OFFERED


def test_the_cron_command_withdraws_overdue_offers_of_every_event(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)
    bo.refresh_from_db()

    out = io.StringIO()
    with time_machine.travel(bo.offer_expires_at + dt.timedelta(minutes=1)):
        call_command("expire_offers", stdout=out)

    assert out.getvalue() == "1 offers withdrawn.\n"
    assert statuses(event)[1:] == [("Bo", "cancelled"), ("Cai", "offered")]


def test_two_seats_freed_at_once_make_two_offers_one_each(site):
    event, _anne, _bo, _cai = full_event_with_line()
    event.capacity = 3
    event.save()

    offered = promote_from_waiting_list(event, by=StaffFactory())

    assert [p.name for p in offered] == ["Bo", "Cai"]
    assert statuses(event) == [("Anne", "confirmed"), ("Bo", "offered"), ("Cai", "offered")]
    assert seat_counts(event) == (1, 2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["Bo <bo@example.org>", "Cai <cai@example.org>"]


def test_staff_may_offer_a_seat_early_beyond_the_capacity(site):
    event, _anne, _bo, cai = full_event_with_line()
    staff = StaffFactory()

    offer_seat(cai, by=staff)

    assert cai.changes.last().by_user == staff

    assert statuses(event) == [("Anne", "confirmed"), ("Bo", "waiting"), ("Cai", "offered")]
    assert seat_counts(event) == (1, 1, 1)


def test_staff_may_move_up_someone_with_an_open_offer(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)

    promote_participant(bo, by=StaffFactory())

    assert statuses(event)[1] == ("Bo", "confirmed")
    assert seat_counts(event) == (1, 0, 1)
    assert bo.changes.last().action == ChangeAction.PROMOTED


def test_cancelling_an_open_offer_gives_the_seat_to_the_next(site):
    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)

    cancel_registration(bo)

    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "cancelled"), ("Cai", "offered")]
    assert seat_counts(event) == (0, 1, 0)


def test_an_open_offer_cannot_be_handed_over(site):
    from tilmeld.registrations.services.booking import Person
    from tilmeld.registrations.services.changes import substitute_participant

    _event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)

    with pytest.raises(RegistrationError) as error:
        substitute_participant(bo, Person("Dea", "dea@example.org"))

    assert error.value.code == "offer_open"


def test_an_offer_schedules_its_expiry_in_the_worker(site, database_tasks):
    from django_tasks_db.models import DBTaskResult

    event, anne, bo, _cai = full_event_with_line()

    cancel_registration(anne)

    bo.refresh_from_db()
    task = DBTaskResult.objects.get(task_path="tilmeld.registrations.tasks.expire_offers")
    assert (task.args_kwargs["args"], task.run_after) == ([event.pk], bo.offer_expires_at)


@pytest.mark.django_db(transaction=True)  # the worker closes its connection when done
def test_the_worker_withdraws_an_overdue_offer_whose_task_died(site, database_tasks, run_worker):
    """The offer's own task is gone (its worker was killed): the worker's start-up sweep
    withdraws the offer all the same, and sends the mails it queues."""
    from django_tasks_db.models import DBTaskResult

    event, anne, bo, _cai = full_event_with_line()
    cancel_registration(anne)
    DBTaskResult.objects.filter(task_path="tilmeld.registrations.tasks.expire_offers").delete()
    bo.refresh_from_db()

    with time_machine.travel(bo.offer_expires_at + dt.timedelta(minutes=1)):
        run_worker()

    assert statuses(event) == [("Anne", "cancelled"), ("Bo", "cancelled"), ("Cai", "offered")]
    assert [m.subject.split(":")[0] for m in mail.outbox[-2:]] == [
        "Den tilbudte plads er gået videre",
        "En plads til dig",
    ]


def test_a_seat_accepted_after_the_binding_date_is_mailed_as_binding(site):
    _event, anne, bo, _cai = full_event_with_line(binding_at=timezone.now() - dt.timedelta(days=1))
    cancel_registration(anne, by=StaffFactory())
    mail.outbox.clear()

    accept_offer(bo)

    body = " ".join(mail.outbox[0].body.split())
    assert "Se eller ret din tilmelding, eller giv din plads videre til en kollega (den er " in body
    assert "afmeld" not in body.replace("kan ikke længere afmeldes", "")
