"""A send interrupted by a stopped worker: the claim committed before the SMTP conversation is
found once the lease is over, and the mail is sent once more with the same Message-ID; a send
still within its lease is left to its worker. The worker here is the real `db_worker --batch`,
which looks for stuck mail when it starts."""

import datetime as dt
import threading

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command, get_commands
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.mail.smtp_sink import SmtpSink
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.services import queue_mail, recover_stuck_mail, requeue
from tilmeld.mail.tasks import send_message

pytestmark = pytest.mark.django_db(transaction=True)

RENDERER = "tests.mail.renderers.numbered"
LEASE = dt.timedelta(seconds=settings.MAIL_SEND_LEASE)


def queue(number=1):
    return queue_mail(RENDERER, to_email=f"p{number}@example.org", params={"number": number})


def killed_mid_send(message):
    """The rows a worker leaves when it is killed during the SMTP conversation: its task
    claimed ("running"), the mail claimed ("sending")."""
    task = DBTaskResult.objects.get(args_kwargs__args=[message.pk])
    task.claim("killed-worker")
    message.status = MessageStatus.SENDING
    message.claimed_at = timezone.now()
    message.save()
    return task


def sent_ids():
    return [m.extra_headers["Message-ID"] for m in mail.outbox]


def test_db_worker_command_is_the_one_that_recovers_mail():
    assert get_commands()["db_worker"] == "tilmeld.mail"


def test_interrupted_send_is_sent_once_more_after_the_lease(run_worker):
    message = queue()
    task = killed_mid_send(message)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        clock.shift(LEASE - dt.timedelta(seconds=1))
        run_worker()  # within the lease: it may still be on its way

        message.refresh_from_db()
        assert (message.status, message.interruptions, mail.outbox) == ("sending", 0, [])

        clock.shift(dt.timedelta(seconds=1))
        run_worker()

    message.refresh_from_db()
    assert (message.status, message.interruptions) == ("sent", 1)
    assert message.last_error.startswith("Interrupted while sending (begun ")
    assert sent_ids() == [f"<outbox-{message.pk}@tilmeld.local>"]
    task.refresh_from_db()
    assert (task.status, task.exception_class_path) == ("FAILED", "tilmeld.mail.tasks.WorkerLost")


def test_send_within_its_lease_is_not_sent_again_by_a_second_task(run_worker):
    message = queue()
    killed_mid_send(message)
    send_message.enqueue(message.pk)  # a second task for the same mail

    run_worker()

    message.refresh_from_db()
    assert (message.status, mail.outbox) == ("sending", [])
    assert DBTaskResult.objects.filter(return_value="skipped").count() == 1


def test_second_interruption_fails_the_mail_and_staff_retry_sends_it(run_worker):
    message = queue()
    killed_mid_send(message)
    OutboxMessage.objects.filter(pk=message.pk).update(interruptions=1)

    with time_machine.travel(timezone.now() + LEASE):
        counts = recover_stuck_mail()
        run_worker()

    message.refresh_from_db()
    assert counts == {"resent": 0, "failed": 1, "requeued": 0}
    assert message.status == "failed"
    assert message.last_error.endswith("; not sent again automatically, it may have arrived")
    assert mail.outbox == []

    assert requeue(message) is True
    run_worker()

    message.refresh_from_db()
    assert (message.status, message.interruptions) == ("sent", 0)
    assert sent_ids() == [f"<outbox-{message.pk}@tilmeld.local>"]


def test_queued_mail_whose_worker_died_before_claiming_it_gets_a_new_task(run_worker):
    message = queue()
    task = DBTaskResult.objects.get()
    task.claim("killed-worker")  # killed between taking the task and claiming the mail

    run_worker()
    assert mail.outbox == []  # a task started just now may be alive

    with time_machine.travel(timezone.now() + LEASE):
        run_worker()

    message.refresh_from_db()
    assert (message.status, message.interruptions) == ("sent", 0)
    assert sent_ids() == [f"<outbox-{message.pk}@tilmeld.local>"]


def test_queued_mail_without_any_task_gets_one(run_worker):
    message = queue()
    DBTaskResult.objects.all().delete()

    run_worker()

    message.refresh_from_db()
    assert message.status == "sent"
    assert len(mail.outbox) == 1


def test_message_id_is_the_outbox_one_whatever_the_renderer_sets(run_worker, settings):
    settings.MAIL_ID_DOMAIN = "mail.example.org"
    message = queue_mail(
        "tests.mail.renderers.with_own_message_id", to_email="a@example.org", params={"number": 7}
    )

    run_worker()

    assert [m.message()["Message-ID"] for m in mail.outbox] == [
        f"<outbox-{message.pk}@mail.example.org>"
    ]


def test_requeue_stuck_mail_command_reports_what_it_did(capsys):
    first, second = queue(1), queue(2)
    killed_mid_send(first)
    DBTaskResult.objects.filter(args_kwargs__args=[second.pk]).delete()

    with time_machine.travel(timezone.now() + LEASE):
        call_command("requeue_stuck_mail")

    assert capsys.readouterr().out == (
        "1 interrupted mails queued to be sent once more, 0 failed after a second "
        "interruption, 1 queued mails given a new task.\n"
    )
    assert OutboxMessage.objects.filter(status="queued").count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second worker needs its own connection"
)
def test_mail_mid_send_by_a_live_worker_is_not_sent_twice(settings):
    message = queue()
    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        sink.hold_first_new_from(0)
        results = []

        def work():
            try:
                results.append(send_message.call(message.pk))
            finally:
                connection.close()

        worker = threading.Thread(target=work)
        worker.start()
        assert sink.held.wait(timeout=20)  # the SMTP server has the mail, the worker waits

        counts = recover_stuck_mail()
        second = send_message.call(message.pk)
        message.refresh_from_db()
        status_mid_send = message.status
        sink.release()
        worker.join(timeout=20)

    assert counts == {"resent": 0, "failed": 0, "requeued": 0}
    assert (second, status_mid_send, results) == ("skipped", "sending", ["sent"])
    assert sink.counts() == {f"<outbox-{message.pk}@tilmeld.local>": 1}
    message.refresh_from_db()
    assert message.status == "sent"
