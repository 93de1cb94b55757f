"""Races for seats in parallel sessions, between real connections: each call runs in its own
thread with its own PostgreSQL connection, all released at once (see test_concurrency.py)."""

import datetime as dt

import pytest

from tests.factories import EventFactory
from tests.registrations.test_concurrency import RACES, at_once, errors
from tilmeld.events.models import Session
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Booking, Participant, SeatCount, SessionChoice
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration, change_session

pytestmark = RACES


def workshops(event, *capacities):
    """Parallel workshops at 10.30, one per capacity given."""
    starts_at = event.starts_at.replace(hour=10, minute=30)
    return [
        Session.objects.create(
            event=event,
            title_da=f"Workshop {number}",
            kind="workshop",
            capacity=capacity,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
        )
        for number, capacity in enumerate(capacities, start=1)
    ]


def registering(event, name, session):
    email = f"{name.lower()}@example.org"
    return lambda: register(
        event,
        booker=Booker(name, email),
        people=[Person(name, email, sessions=[session.pk])],
        language="da",
    )


def seats_of(session):
    """(SessionSeats.taken, rows holding a seat): the counter and the rows it counts."""
    session.seats.refresh_from_db()
    holders = SessionChoice.objects.filter(session=session, holds_seat=True)
    return session.seats.taken, holders.count()


def refused_codes(results):
    return [(type(e), e.code) for e in errors(results)]


def test_thirty_at_once_fill_a_workshop_of_five_exactly(site):
    event = EventFactory(capacity=100)
    popular, _other = workshops(event, 5, 50)

    results = at_once(*(registering(event, f"P{i}", popular) for i in range(30)))

    assert refused_codes(results) == [(RegistrationError, "session_full")] * 25
    booked = {r.pk for r in results if isinstance(r, Booking)}
    assert len(booked) == 5
    assert set(Booking.objects.filter(event=event).values_list("pk", flat=True)) == booked
    assert event.participants.filter(status=ParticipantStatus.CONFIRMED).count() == 5
    assert event.participants.count() == 5
    assert seats_of(popular) == (5, 5)
    assert SessionChoice.objects.count() == 5
    assert SeatCount.objects.get(pk=event.pk).confirmed == 5
    assert OutboxMessage.objects.count() == 5


def test_simultaneous_changes_into_the_last_seat_one_wins(site):
    event = EventFactory(capacity=100)
    crowded, roomy = workshops(event, 3, 10)
    for i in range(2):
        registering(event, f"Held{i}", crowded)()
    movers = [registering(event, f"Mover{i}", roomy)().participants.get() for i in range(5)]

    results = at_once(*(lambda p=p: change_session(p, crowded.pk) for p in movers))

    assert refused_codes(results) == [(RegistrationError, "session_full")] * 4
    [winner] = [p for p, r in zip(movers, results, strict=True) if r is None]
    won = SessionChoice.objects.filter(participant=winner)
    assert list(won.values_list("session", "holds_seat")) == [(crowded.pk, True)]
    assert seats_of(crowded) == (3, 3)
    assert seats_of(roomy) == (4, 4)


@pytest.mark.parametrize("round_", range(3))
def test_cancellation_racing_changes_never_oversells(site, round_):
    """The holder of the only seat cancels while three others try to move in: whoever comes
    after the cancellation may take the seat, at most one does, and the counter stays true."""
    event = EventFactory(capacity=100)
    single, roomy = workshops(event, 1, 10)
    holder = registering(event, "Holder", single)().participants.get()
    movers = [registering(event, f"Mover{i}", roomy)().participants.get() for i in range(3)]

    results = at_once(
        lambda: cancel_registration(Participant.objects.get(pk=holder.pk)),
        *(lambda p=p: change_session(p, single.pk) for p in movers),
    )

    assert results[0].status == ParticipantStatus.CANCELLED
    moved = [p for p, r in zip(movers, results[1:], strict=True) if r is None]
    assert len(moved) <= 1
    assert set(refused_codes(results)) <= {(RegistrationError, "session_full")}
    assert seats_of(single) == (len(moved), len(moved))
    assert seats_of(roomy) == (3 - len(moved), 3 - len(moved))


def test_registration_and_change_racing_for_the_last_seat_one_wins(site):
    event = EventFactory(capacity=100)
    single, roomy = workshops(event, 1, 10)
    mover = registering(event, "Mover", roomy)().participants.get()

    results = at_once(
        lambda: change_session(mover, single.pk),
        registering(event, "Newcomer", single),
    )

    assert refused_codes(results) == [(RegistrationError, "session_full")]
    assert seats_of(single) == (1, 1)
    newcomer = Participant.objects.filter(name="Newcomer").first()
    if isinstance(results[1], Booking):
        assert seats_of(roomy) == (1, 1)
        assert newcomer.session_choices.get().holds_seat
    else:
        assert (newcomer, seats_of(roomy)) == (None, (0, 0))
