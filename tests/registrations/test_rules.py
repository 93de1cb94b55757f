"""Every participant action at every moment, for the participant (or booker) and for staff.

The booker acts through the booking's link with the participant's rights: both are `by=None`
to the rules, which the booking-page test at the end shows from the outside."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.factories import EventFactory, StaffFactory
from tilmeld.registrations import rules
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.models import Booking, Participant

pytestmark = pytest.mark.django_db

A = rules.Action
MOMENTS = ("before binding", "after binding", "after start", "after end")
# action: what a participant may do at each moment (Y/N, in MOMENTS' order), by their status.
PARTICIPANT = {
    "confirmed": {
        A.EDIT: "YYNN",
        A.CHANGE_SESSIONS: "YYNN",
        A.CANCEL: "YNNN",
        A.SUBSTITUTE: "YYNN",
        A.ACCEPT_OFFER: "NNNN",
        A.DECLINE_OFFER: "NNNN",
    },
    "waiting": {
        A.EDIT: "YYNN",
        A.CHANGE_SESSIONS: "YYNN",
        A.CANCEL: "YYNN",
        A.SUBSTITUTE: "YYNN",
        A.ACCEPT_OFFER: "NNNN",
        A.DECLINE_OFFER: "NNNN",
    },
    "offered": {  # the offer runs until the start; sessions are chosen on accepting
        A.EDIT: "YYNN",
        A.CHANGE_SESSIONS: "NNNN",
        A.CANCEL: "YYNN",
        A.SUBSTITUTE: "NNNN",
        A.ACCEPT_OFFER: "YYNN",
        A.DECLINE_OFFER: "YYYY",
    },
    "cancelled": {action: "NNNN" for action in A},
}
STAFF = {
    "confirmed": {
        **{action: "YYYY" for action in A},
        A.ACCEPT_OFFER: "NNNN",
        A.DECLINE_OFFER: "NNNN",
    },
    "waiting": {
        **{action: "YYYY" for action in A},
        A.ACCEPT_OFFER: "NNNN",
        A.DECLINE_OFFER: "NNNN",
    },
    "offered": {
        **PARTICIPANT["offered"],
        A.EDIT: "YYYY",
        A.CANCEL: "YYYY",
    },
    "cancelled": {action: "NNNN" for action in A},
}
CASES = [
    (actor, status, action, moment, answers[MOMENTS.index(moment)] == "Y")
    for actor, table in (("participant", PARTICIPANT), ("staff", STAFF))
    for status, by_action in table.items()
    for action, answers in by_action.items()
    for moment in MOMENTS
]


def moment_of(event, moment: str):
    return {
        "before binding": event.binding_at - dt.timedelta(days=1),
        "after binding": event.binding_at + dt.timedelta(hours=1),
        "after start": event.starts_at + dt.timedelta(minutes=1),
        "after end": event.ends_at + dt.timedelta(minutes=1),
    }[moment]


@pytest.fixture
def event(db):
    event = EventFactory(substitution_allowed=True)
    event.binding_at = event.starts_at - dt.timedelta(days=10)
    event.save()
    return event


def participant_with(event, status: str) -> Participant:
    booking = Booking.objects.create(event=event, booker_name="Anne", booker_email="a@example.org")
    return Participant.objects.create(
        booking=booking,
        event=event,
        name="Anne",
        email="a@example.org",
        status=status,
        waiting_position=1 if status == "waiting" else None,
        offer_expires_at=event.starts_at if status == "offered" else None,
    )


@pytest.mark.parametrize(("actor", "status", "action", "moment", "allowed"), CASES)
def test_rule_table(event, actor, status, action, moment, allowed):
    participant = participant_with(event, status)
    by = StaffFactory() if actor == "staff" else None

    with time_machine.travel(moment_of(event, moment)):
        verdict = rules.check(action, participant, by=by)

    assert bool(verdict) is allowed, verdict.reason


def test_every_refusal_says_why_in_the_readers_language(event):
    participant = participant_with(event, ParticipantStatus.CONFIRMED)

    with time_machine.travel(moment_of(event, "after binding")):
        verdict = rules.check(A.CANCEL, participant)

    assert (verdict.code, str(verdict.reason)) == (
        "binding",
        "Tilmeldingen er bindende og kan ikke længere afmeldes. "
        "En kollega kan deltage i stedet for dig.",
    )


def test_substitution_switched_off_refuses_the_participant_but_not_staff(event):
    event.substitution_allowed = False
    event.save()
    participant = participant_with(event, ParticipantStatus.CONFIRMED)

    assert rules.check(A.SUBSTITUTE, participant).code == "no_sub"
    assert rules.check(A.SUBSTITUTE, participant, by=StaffFactory())


def test_the_booking_page_offers_the_participants_actions_by_the_same_rules(client, site):
    from tests.factories import register_people

    event = EventFactory(binding_at=timezone.now() + dt.timedelta(days=5))
    anne, _bo = register_people(event, "Anne", "Bo")
    url = anne.booking.get_manage_url()

    before = client.get(url).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=6)):
        after = client.get(url).content.decode()

    assert before.count('name="action" value="cancel"') == 2
    assert after.count('name="action" value="cancel"') == 0  # binding: no free cancellation
    assert after.count(">Overdrag<") == 2  # a colleague may still come instead
