"""core.rows: writes held in a batch go as one statement on PostgreSQL, with reserved keys."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory
from tilmeld.core import rows
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.models import Booking

pytestmark = pytest.mark.django_db


def reserve(counts):
    """Keys reserved as seats.lock reserves them, here in a statement of their own."""
    found = rows.reserve_column(counts)
    if found is None:
        return rows.Reserved(counts)
    sql, params = found
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        (keys,) = cursor.fetchone()
    return rows.Reserved(counts, keys)


def _booking(event, email, key=None, **fields):
    return Booking(pk=key, event=event, booker_name="Anne", booker_email=email, **fields)


def test_a_batch_stores_every_row_with_its_reserved_key():
    event = EventFactory()
    with transaction.atomic():
        keys = reserve({Booking: 2, OutboxMessage: 1})
        with CaptureQueriesContext(connection) as sent, rows.batch():
            rows.insert([_booking(event, "a@example.org", keys[Booking][0])])
            rows.insert([_booking(event, "b@example.org", keys[Booking][1])])
            rows.insert([OutboxMessage(pk=keys[OutboxMessage][0], to_email="a@example.org")])

    stored = dict(Booking.objects.values_list("booker_email", "pk"))
    assert set(stored) == {"a@example.org", "b@example.org"}
    assert OutboxMessage.objects.get().to_email == "a@example.org"
    if connection.vendor == "postgresql":
        assert [stored["a@example.org"], stored["b@example.org"]] == keys[Booking]
        assert keys[Booking][0] < keys[Booking][1]
        assert len(sent.captured_queries) == 1
        assert sent.captured_queries[0]["sql"].startswith("WITH ")
    else:
        assert keys[Booking] == [None, None]
        assert len(sent.captured_queries) == 3  # each row reads its key back at once


def test_a_failed_write_in_a_batch_raises_and_stores_nothing():
    event = EventFactory()
    token = uuid.uuid4()
    with pytest.raises(IntegrityError), transaction.atomic(), rows.pipeline():
        keys = reserve({Booking: 2})
        with rows.batch():
            rows.insert([_booking(event, "a@example.org", keys[Booking][0], form_token=token)])
            # the same form token twice breaks a unique index
            rows.insert([_booking(event, "b@example.org", keys[Booking][1], form_token=token)])

    assert not Booking.objects.exists()


def test_actions_once_written_see_the_rows_and_run_in_order():
    event = EventFactory()
    seen = []
    with transaction.atomic(), rows.pipeline():
        keys = reserve({Booking: 1})
        with rows.batch():
            rows.insert([_booking(event, "a@example.org", keys[Booking][0])])
            rows.once_written(lambda: seen.append(Booking.objects.count()))
            rows.once_written(lambda: seen.append("second"))
            assert seen == []

    assert seen == [1, "second"]


def test_a_write_without_parameters_may_open_a_batch():
    event = EventFactory()
    with transaction.atomic(), rows.batch():
        rows.write('UPDATE "registrations_booking" SET "language" = "language" WHERE 1 = 0', [])
        rows.insert([_booking(event, "a@example.org")])

    assert Booking.objects.get().booker_email == "a@example.org"


def test_a_failed_write_raises_before_the_actions_once_written_even_in_a_nested_pipeline():
    event = EventFactory()
    token = uuid.uuid4()
    ran = []
    with pytest.raises(IntegrityError), transaction.atomic(), rows.pipeline():
        with rows.pipeline():
            keys = reserve({Booking: 2})
        with rows.batch():
            rows.insert([_booking(event, "a@example.org", keys[Booking][0], form_token=token)])
            rows.insert([_booking(event, "b@example.org", keys[Booking][1], form_token=token)])
            rows.once_written(lambda: ran.append(True))

    assert ran == []


@pytest.mark.django_db(transaction=True)
def test_atomic_commits_its_writes_and_then_runs_the_commit_hooks():
    event = EventFactory()
    committed = []
    with rows.atomic():
        keys = reserve({Booking: 1})
        with rows.batch():
            rows.insert([_booking(event, "a@example.org", keys[Booking][0])])
        transaction.on_commit(lambda: committed.append(Booking.objects.count()))
        assert committed == []

    assert committed == [1]
    assert not connection.in_atomic_block
    assert Booking.objects.get().booker_email == "a@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_in_atomic_commits_nothing_and_leaves_the_connection_usable():
    event = EventFactory()
    token = uuid.uuid4()
    with pytest.raises(IntegrityError), rows.atomic():
        keys = reserve({Booking: 2})
        with rows.batch():
            rows.insert([_booking(event, "a@example.org", keys[Booking][0], form_token=token)])
            rows.insert([_booking(event, "b@example.org", keys[Booking][1], form_token=token)])

    assert not Booking.objects.exists()
    _booking(event, "c@example.org").save()
    assert Booking.objects.get().booker_email == "c@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_row_refused_only_at_commit_raises_from_atomic_and_is_not_stored():
    event = EventFactory()
    missing = event.pk + 1000  # foreign keys are checked at commit
    with pytest.raises(IntegrityError), rows.atomic(), rows.batch():
        rows.insert([Booking(event_id=missing, booker_name="Anne", booker_email="a@example.org")])

    assert not Booking.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_atomic_inside_a_transaction_leaves_the_commit_to_the_outer_one():
    event = EventFactory()
    with pytest.raises(LookupError), transaction.atomic():
        with rows.atomic(), rows.batch():
            rows.insert([_booking(event, "a@example.org")])
        assert Booking.objects.count() == 1
        raise LookupError  # the outer transaction is rolled back, with the inner block's row

    assert not Booking.objects.exists()
