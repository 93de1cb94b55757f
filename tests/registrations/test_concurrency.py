"""Races between real connections: each call runs in its own thread with its own PostgreSQL
connection, all released at once, with committed data visible across them."""

import threading
import time
import uuid

import pytest
from django.db import connection, transaction

from tests.factories import EventFactory, register_people
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.models import Booking, Participant, ParticipantChange, SeatCount
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration, substitute_participant

RACES = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need real concurrent connections"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("database_tasks"),
]
pytestmark = RACES


def at_once(*calls):
    """Runs each call in its own thread and connection, released together by a barrier. Returns
    what each call returned or raised, in the order given."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()  # connect first, so the barrier releases real work
            barrier.wait(timeout=20)
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def registering(event, name, *, email=None, form_token=None):
    email = email or f"{name.lower()}@example.org"
    return lambda: register(
        event,
        booker=Booker(name, email),
        people=[Person(name, email)],
        language="da",
        form_token=form_token,
    )


def errors(results):
    return [r for r in results if isinstance(r, Exception)]


def counts(event):
    seats = SeatCount.objects.get(pk=event.pk)
    return seats.confirmed, seats.waiting


def row_counts(event):
    return (
        event.participants.filter(status=ParticipantStatus.CONFIRMED).count(),
        event.participants.filter(status=ParticipantStatus.WAITING).count(),
    )


def waiting_line(event):
    return list(
        event.participants.filter(status=ParticipantStatus.WAITING)
        .order_by("waiting_position")
        .values_list("name", "waiting_position")
    )


def test_forty_at_once_fill_seats_then_waiting_list(site):
    event = EventFactory(capacity=10)

    results = at_once(*(registering(event, f"P{i}") for i in range(40)))

    assert errors(results) == []
    assert row_counts(event) == (10, 30)
    assert counts(event) == (10, 30)
    positions = [position for _, position in waiting_line(event)]
    assert positions == list(range(1, 31))
    assert SeatCount.objects.get(pk=event.pk).waiting_sequence == 30
    assert Booking.objects.filter(event=event).count() == 40


def test_forty_at_once_without_waiting_list_sell_exactly_capacity(site):
    event = EventFactory(capacity=10, waiting_list_enabled=False)

    results = at_once(*(registering(event, f"P{i}") for i in range(40)))

    refused = errors(results)
    assert len(refused) == 30
    assert {(type(e), e.code) for e in refused} == {(RegistrationError, "sold_out")}
    booked = {r.pk for r in results if isinstance(r, Booking)}
    assert len(booked) == 10
    assert set(event.participants.values_list("status", flat=True)) == {"confirmed"}
    assert event.participants.count() == 10
    assert set(event.participants.values_list("booking_id", flat=True)) == booked
    assert set(Booking.objects.filter(event=event).values_list("pk", flat=True)) == booked
    assert counts(event) == (10, 0)
    assert OutboxMessage.objects.count() == 10


def full_event_with_line():
    """Capacity 5: C0–C4 hold the seats, W0–W9 wait in that order; a freed seat goes straight
    to the first in line (the offers' races are in test_offer_concurrency.py)."""
    event = EventFactory(capacity=5, waiting_list_mode="automatic")
    seated = [register_people(event, f"C{i}")[0] for i in range(5)]
    for i in range(10):
        register_people(event, f"W{i}")
    assert counts(event) == (5, 10)
    return event, seated


def assert_promoted_once(event, names):
    promotions = ParticipantChange.objects.filter(
        participant__event=event, action=ChangeAction.PROMOTED
    )
    assert sorted(promotions.values_list("participant__name", flat=True)) == names
    mails = OutboxMessage.objects.filter(renderer__endswith=".promoted")
    assert sorted(mails.values_list("to_name", flat=True)) == names


def test_simultaneous_cancellations_promote_first_in_line_once_each(site):
    event, seated = full_event_with_line()

    results = at_once(*(lambda p=p: cancel_registration(p) for p in seated))

    assert errors(results) == []
    confirmed = event.participants.filter(status=ParticipantStatus.CONFIRMED)
    assert sorted(confirmed.values_list("name", flat=True)) == ["W0", "W1", "W2", "W3", "W4"]
    assert waiting_line(event) == [("W5", 6), ("W6", 7), ("W7", 8), ("W8", 9), ("W9", 10)]
    assert_promoted_once(event, ["W0", "W1", "W2", "W3", "W4"])
    assert counts(event) == row_counts(event) == (5, 5)


def test_cancellations_racing_new_registrations_keep_the_line(site):
    event, seated = full_event_with_line()
    cancels = [lambda p=p: cancel_registration(p) for p in seated]
    newcomers = [registering(event, f"N{i}") for i in range(5)]

    results = at_once(*cancels, *newcomers)

    assert errors(results) == []
    confirmed = event.participants.filter(status=ParticipantStatus.CONFIRMED)
    assert sorted(confirmed.values_list("name", flat=True)) == ["W0", "W1", "W2", "W3", "W4"]
    line = waiting_line(event)
    assert line[:5] == [("W5", 6), ("W6", 7), ("W7", 8), ("W8", 9), ("W9", 10)]
    assert sorted(name for name, _ in line[5:]) == ["N0", "N1", "N2", "N3", "N4"]
    assert [position for _, position in line[5:]] == [11, 12, 13, 14, 15]
    assert_promoted_once(event, ["W0", "W1", "W2", "W3", "W4"])
    assert counts(event) == row_counts(event) == (5, 10)


def test_double_submitted_form_makes_one_booking(site):
    event = EventFactory(capacity=10)
    token = uuid.uuid4()

    results = at_once(*(registering(event, "Anne", form_token=token) for _ in range(8)))

    assert errors(results) == []
    booking = Booking.objects.get(event=event)
    assert [r.pk for r in results] == [booking.pk] * 8
    assert list(event.participants.values_list("name", "booking_id")) == [("Anne", booking.pk)]
    assert OutboxMessage.objects.count() == 1
    assert counts(event) == (1, 0)


def test_same_address_from_different_forms_registers_once(site):
    event = EventFactory(capacity=10)

    results = at_once(*(registering(event, f"Anne{i}", email="anne@example.org") for i in range(8)))

    refused = errors(results)
    assert len(refused) == 7
    assert {type(e) for e in refused} == {AlreadyRegistered}
    [booking] = [r for r in results if isinstance(r, Booking)]
    active = Participant.objects.filter(event=event, status__in=["confirmed", "waiting"])
    assert list(active.values_list("email", "booking_id")) == [("anne@example.org", booking.pk)]
    assert Booking.objects.filter(event=event).count() == 1
    assert OutboxMessage.objects.count() == 1
    assert counts(event) == (1, 0)


@pytest.mark.parametrize("round_", range(3))
def test_substitution_racing_cancellation_one_wins(site, round_):
    event = EventFactory(capacity=1, waiting_list_mode="automatic")
    [anne] = register_people(event, "Anne")
    register_people(event, "Bo")

    results = at_once(
        lambda: cancel_registration(Participant.objects.get(pk=anne.pk)),
        lambda: substitute_participant(
            Participant.objects.get(pk=anne.pk), Person("Carl", "carl@example.org")
        ),
    )

    [refused] = errors(results)
    assert (type(refused), refused.code) == (RegistrationError, "inactive")
    anne.refresh_from_db()
    statuses = dict(event.participants.values_list("name", "status"))
    if anne.status == ParticipantStatus.CANCELLED:
        assert statuses == {"Anne": "cancelled", "Bo": "confirmed"}
    else:
        assert statuses == {"Anne": "substituted", "Bo": "waiting", "Carl": "confirmed"}
        assert Participant.objects.get(name="Carl").replaces_id == anne.pk
    assert counts(event) == row_counts(event)
    assert counts(event)[0] == 1


def lock_waiters(table):
    """How many connections wait for a lock on `table` (read from a separate connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass AND NOT granted", [table]
        )
        return cursor.fetchone()[0]


def transaction_waiters():
    """How many connections wait for another transaction to end (a unique key being written)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted"
        )
        return cursor.fetchone()[0]


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_double_submit_waiting_on_the_first_returns_the_first_booking(site):
    """The second submission of a form arrives while the first is still in its transaction: it
    waits on the unique form token, and once the first commits it returns that booking."""
    event = EventFactory(capacity=10)
    token = uuid.uuid4()
    first_done, commit_first = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            booking = registering(event, "Anne", form_token=token)()
            first_done.set()
            assert commit_first.wait(timeout=20)
        return booking

    def second():
        assert first_done.wait(timeout=20)
        return registering(event, "Anne", form_token=token)()

    def conductor():
        assert first_done.wait(timeout=20)
        wait_for(lambda: transaction_waiters() >= 1)  # the second waits on the form token
        commit_first.set()

    results = at_once(first, second, conductor)

    assert errors(results) == []
    booking = Booking.objects.get(event=event)
    assert (results[0].pk, results[1].pk) == (booking.pk, booking.pk)
    assert event.participants.count() == 1


def _staff_raises_capacity_while_holding_the_seat_lock(event, started):
    """As an admin save does: change the event, then take the seat lock, and commit a moment
    after a registration has started waiting for that lock."""
    from tilmeld.events.models import Event
    from tilmeld.registrations.services import seats

    def run():
        with transaction.atomic():
            seats.lock(event)
            Event.objects.filter(pk=event.pk).update(capacity=2)
            started.set()
            time.sleep(0.5)  # the registration below is now waiting for the lock

    return run


def test_registration_waiting_for_the_lock_sees_capacity_raised_meanwhile(site):
    event = EventFactory(capacity=1)
    register_people(event, "Anne")
    started = threading.Event()

    def register_after_staff_started():
        started.wait(timeout=10)
        return registering(event, "Bo")()

    results = at_once(
        _staff_raises_capacity_while_holding_the_seat_lock(event, started),
        register_after_staff_started,
    )

    assert errors(results) == []
    assert Participant.objects.get(name="Bo").status == ParticipantStatus.CONFIRMED
    assert counts(event) == (2, 0)


def test_cancelling_while_staff_save_the_event_does_not_deadlock(site):
    from tilmeld.events.models import Event
    from tilmeld.registrations.services import seats

    event = EventFactory(capacity=2)
    [anne] = register_people(event, "Anne")
    saving = threading.Event()

    def staff_save():  # the admin: the event row first, then the seat lock
        with transaction.atomic():
            Event.objects.filter(pk=event.pk).update(title_da="Nyt navn")
            saving.set()
            time.sleep(0.3)  # the cancellation takes the seat lock meanwhile
            seats.lock(event)

    def cancel():
        saving.wait(timeout=10)
        return cancel_registration(anne)

    results = at_once(staff_save, cancel)

    assert errors(results) == []
    assert Participant.objects.get(pk=anne.pk).status == ParticipantStatus.CANCELLED
    assert counts(event) == (0, 0)
