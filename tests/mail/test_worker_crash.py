"""Mail survives `kill -9` of the worker (issue 11, part 4).

400 mails are queued; a real `manage.py db_worker` process sends them to a real SMTP server on
127.0.0.1 (tests/mail/smtp_sink.py) and is killed with SIGKILL five times, a new worker started
after each kill. The first test kills it each time in the middle of a send: the sink has taken
the whole mail and holds back its "250 OK", so the worker dies between the server's accept and
the commit that marks the mail sent, the worst moment. The second kills it at whatever moment
it is in after the next 50 mails (taking a task, rendering, claiming, talking SMTP, marking).

What is asserted, counted by Message-ID at the sink:
- no mail lost: the distinct Message-IDs are exactly those of the 400 queued mails, and every
  mail is "sent";
- no duplicate beyond the rule: a mail whose claimed send was interrupted is sent once more
  (nobody can know whether the server kept it), never more, with the same Message-ID for the
  receiver to drop the copy. So no Message-ID arrives more than twice, only an interrupted
  mail's arrives twice, and in the first test exactly the 5 held mails arrive twice and every
  other mail once;
- nothing stuck: no mail queued or sending, no task waiting or left "running" (the sweep marks
  the killed workers' tasks failed: WorkerLost).

The lease is 2 s here (production: 5 minutes), so the interrupted mails go out again while the
test waits. Needs PostgreSQL: the worker process must see the test's database."""

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from tests import worker_process
from tests.mail.smtp_sink import SmtpSink
from tests.worker_process import wait_for
from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.services import queue_mail
from tilmeld.mail.tasks import send_message

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker process needs the test database; SQLite's lives in this process",
    ),
    pytest.mark.django_db(transaction=True),
]

MAILS = 400
KILLS = 5
SPACING = 50  # new Message-IDs at the sink between two kills


def start_worker(sink: SmtpSink, log):
    return worker_process.start_worker(
        log, EMAIL_URL=f"smtp://127.0.0.1:{sink.port}", EMAIL_TIMEOUT="10"
    )


def queue_mails() -> set[str]:
    with transaction.atomic():
        pks = [
            queue_mail(
                "tests.mail.renderers.numbered",
                to_email=f"p{number}@example.org",
                params={"number": number},
            ).pk
            for number in range(MAILS)
        ]
    return {message_id(pk) for pk in pks}


def message_id(pk: int) -> str:
    return f"<outbox-{pk}@{settings.MAIL_ID_DOMAIN}>"


def settled() -> bool:
    """Every mail sent, and no task waiting or running: the sweep has also marked failed the
    tasks of the killed workers (a kill can land after a mail was marked sent)."""
    tasks = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"])
    return not (OutboxMessage.objects.exclude(status=MessageStatus.SENT).exists() or tasks.exists())


def run_with_kills(sink: SmtpSink, log_path: Path, kill) -> None:
    """Starts a worker, lets `kill(worker)` kill it KILLS times, starting a new one each time,
    and waits until everything is settled; then stops the last worker as an operator would."""
    with log_path.open("w") as log:
        worker = start_worker(sink, log)
        try:
            for _kill in range(KILLS):
                kill(worker)
                worker = start_worker(sink, log)
            wait_for(settled, timeout=40, what="every mail sent and every task finished")
        finally:
            worker.send_signal(signal.SIGTERM)  # finishes its task, then stops
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
    assert worker.returncode == 0, log_path.read_text()


def assert_nothing_stuck() -> None:
    assert OutboxMessage.objects.filter(status=MessageStatus.SENT).count() == MAILS
    assert not OutboxMessage.objects.stuck().exists()
    tasks = DBTaskResult.objects.filter(task_path=send_message.module_path)
    assert not tasks.filter(status__in=["READY", "RUNNING"]).exists()


def interrupted_ids() -> set[str]:
    return {
        message_id(pk)
        for pk in OutboxMessage.objects.filter(interruptions=1).values_list("pk", flat=True)
    }


def test_worker_killed_mid_send_five_times_loses_none_and_resends_each_once(tmp_path):
    expected = queue_mails()
    held = []

    def kill_while_the_server_holds_its_reply(worker):
        sink.hold_first_new_from(sink.distinct() + SPACING)
        assert sink.held.wait(timeout=30), (tmp_path / "worker.log").read_text()
        os.kill(worker.pid, signal.SIGKILL)  # the sink has the whole mail, the worker no reply
        worker.wait(timeout=10)
        held.append(sink.held_id)
        sink.release()

    with SmtpSink() as sink:
        run_with_kills(sink, tmp_path / "worker.log", kill_while_the_server_holds_its_reply)
        counts = sink.counts()

    assert len(set(held)) == KILLS
    assert set(counts) == expected  # none lost
    assert {mid for mid, n in counts.items() if n == 2} == set(held) == interrupted_ids()
    assert sorted(counts.values()) == [1] * (MAILS - KILLS) + [2] * KILLS
    assert_nothing_stuck()
    tasks = DBTaskResult.objects.filter(task_path=send_message.module_path, status="FAILED")
    assert (
        list(tasks.values_list("exception_class_path", flat=True))
        == ["tilmeld.mail.tasks.WorkerLost"] * KILLS
    )


def test_worker_killed_at_any_moment_five_times_loses_none_and_resends_at_most_once(tmp_path):
    """Kills land wherever the worker is: taking a task, rendering, claiming, talking SMTP,
    marking sent. A mail that reached the sink twice must be one whose claimed send was
    interrupted, and no mail reaches it three times."""
    expected = queue_mails()
    seed = random.randrange(10**6)
    pause = random.Random(seed)

    def kill_at_some_moment(worker):
        target = sink.distinct() + SPACING
        wait_for(lambda: sink.distinct() >= target, timeout=30, what=f"{target} mails")
        time.sleep(pause.uniform(0, 0.03))
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    with SmtpSink() as sink:
        run_with_kills(sink, tmp_path / "worker.log", kill_at_some_moment)
        counts = sink.counts()

    twice = {mid for mid, n in counts.items() if n == 2}
    assert set(counts) == expected, f"seed {seed}"  # none lost
    assert max(counts.values()) <= 2, f"seed {seed}"
    assert twice <= interrupted_ids(), f"seed {seed}"
    assert len(interrupted_ids()) <= KILLS, f"seed {seed}"
    assert_nothing_stuck()
