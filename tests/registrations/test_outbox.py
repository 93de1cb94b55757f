"""The outbox end to end: mails commit or roll back with the change that caused them, and the real
database worker (`db_worker --batch`) sends each exactly once, retrying failures with back-off."""

import threading

import pytest
import time_machine
from django.core import mail
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import EventFactory, register_people
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.services import queue_mail, requeue, retry_delay
from tilmeld.mail.tasks import send_message
from tilmeld.registrations.services.booking import Booker

pytestmark = pytest.mark.django_db(transaction=True)

RENDERER = "tests.registrations.test_outbox.render_notice"
renderer_down = threading.Event()


def render_notice(message):
    """A renderer whose failures the test switches on and off."""
    if renderer_down.is_set():
        raise ConnectionError("template service unavailable")
    return EmailMessage(subject=message.params["subject"], body="Hej", to=[message.to_email])


def render_with_broken_query(message):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM no_such_table")
    return render_notice(message)


@pytest.fixture(autouse=True)
def _database_tasks(database_tasks):
    """Tasks wait in the database, as in production (the directory's conftest runs them at once)."""
    renderer_down.clear()
    yield
    renderer_down.clear()


def queued_mails():
    return sorted(
        OutboxMessage.objects.filter(status=MessageStatus.QUEUED).values_list(
            "to_email", "renderer"
        )
    )


def test_rolled_back_registration_leaves_no_mail_and_no_task(site):
    event = EventFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        register_people(event, "Anne", "Bo")
        assert OutboxMessage.objects.count() == 3  # queued inside the transaction …
        raise RuntimeError("the request failed after registering")

    assert OutboxMessage.objects.count() == 0  # … and gone with it
    assert DBTaskResult.objects.count() == 0
    assert event.participants.count() == 0


def test_committed_registration_queues_one_mail_each_and_worker_sends_once(site, run_worker):
    event = EventFactory(capacity=1)
    booker = Booker("Chef", "chef@example.org")

    register_people(event, "Anne", "Bo", booker=booker)

    prefix = "tilmeld.registrations.mails."
    assert queued_mails() == [
        ("anne@example.org", prefix + "registered"),
        ("bo@example.org", prefix + "registered"),
        ("chef@example.org", prefix + "booking_summary"),
    ]
    assert DBTaskResult.objects.count() == 3
    assert mail.outbox == []

    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == [
        "Anne <anne@example.org>",
        "Bo <bo@example.org>",
        "Chef <chef@example.org>",
    ]
    sent = OutboxMessage.objects.order_by("to_email")
    assert list(sent.values_list("status", flat=True)) == ["sent"] * 3
    assert all(message.sent_at is not None for message in sent)
    by_address = {m.to[0].split("<")[1].rstrip(">"): m.subject for m in mail.outbox}
    assert dict(sent.values_list("to_email", "subject")) == by_address

    run_worker()

    assert len(mail.outbox) == 3


def test_failing_renderer_backs_off_then_fails_and_requeue_sends(site, run_worker):
    message = queue_mail(RENDERER, to_email="anne@example.org", params={"subject": "Hej Anne"})
    renderer_down.set()

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(1, 8):
            run_worker()
            message.refresh_from_db()
            assert (message.status, message.attempts) == (MessageStatus.QUEUED, attempt)
            assert message.next_attempt_at == timezone.now() + retry_delay(attempt)
            assert message.last_error == "ConnectionError: template service unavailable"

            run_worker()  # the retry is not due yet
            message.refresh_from_db()
            assert message.attempts == attempt

            clock.move_to(message.next_attempt_at)

        run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 8, None)
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()  # no retry left
    assert mail.outbox == []

    renderer_down.clear()
    requeue(message)
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.subject) == ("sent", 0, "Hej Anne")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["anne@example.org"], "Hej Anne")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs SKIP LOCKED and real rows")
def test_two_workers_with_the_same_message_send_it_once(site):
    message = queue_mail(RENDERER, to_email="anne@example.org", params={"subject": "Hej Anne"})
    barrier = threading.Barrier(2)
    results = []

    def work():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=20)
            results.append(send_message.call(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["sent", "skipped"]
    assert [m.subject for m in mail.outbox] == ["Hej Anne"]
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_renderer_database_error_is_retried_like_any_failure(site, run_worker):
    message = queue_mail(
        "tests.registrations.test_outbox.render_with_broken_query",
        to_email="anne@example.org",
        params={"subject": "Hej Anne"},
    )

    run_worker()

    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.next_attempt_at is not None
    assert DBTaskResult.objects.filter(status="READY").count() == 1  # the retry


def test_task_rows_are_stored_as_the_library_stores_them():
    from django_tasks_db.backend import DatabaseBackend

    from tilmeld.mail.backend import OutboxTaskBackend

    params = {"QUEUES": [], "OPTIONS": {}}
    theirs = DatabaseBackend("default", params).enqueue(send_message, (41,), {}).db_result
    ours = OutboxTaskBackend("default", params).enqueue(send_message, (42,), {}).db_result

    def stored(result):
        row = DBTaskResult.objects.filter(pk=result.pk).values().get()
        return {k: v for k, v in row.items() if k not in ("id", "enqueued_at", "args_kwargs")}

    assert stored(ours) == stored(theirs)
    assert DBTaskResult.objects.get(pk=ours.pk).args_kwargs == {"args": [42], "kwargs": {}}
    assert set(DBTaskResult.objects.ready().values_list("pk", flat=True)) == {ours.pk, theirs.pk}
