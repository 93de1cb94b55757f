"""Queueing mail (call `queue_mail` inside the transaction of the change that causes the mail),
and the states of a send: claimed, sent, failed, interrupted.

A send commits its claim (status "sending", `claimed_at`) before the SMTP conversation and
marks the mail sent after it. A worker killed in between leaves the claim behind; once the claim
is older than the lease (settings.MAIL_SEND_LEASE) `recover_stuck_mail` queues the mail again,
once: it is the only way a mail reaches the SMTP server twice, and both copies carry the same
Message-ID. Interrupted a second time, the mail fails and waits for staff."""

import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tilmeld.core import rows
from tilmeld.mail.models import MessageStatus, OutboxMessage, send_lease

MAX_ATTEMPTS = 8
MAX_INTERRUPTIONS = 1  # automatic resends of a mail whose send was interrupted
SWEEP_BATCH = 500

log = logging.getLogger(__name__)


def queue_mail(
    renderer: str,
    *,
    to_email: str,
    to_name: str = "",
    language: str = "da",
    params: dict | None = None,
    reference: str = "",
    pk: int | None = None,
) -> OutboxMessage:
    """Stores the mail and its send task in the current transaction: both commit or neither.

    `renderer` is the dotted path of a function taking the OutboxMessage and returning an
    EmailMessage; it runs in the worker, in the recipient's language. `pk` is the message's
    primary key when reserved ahead (core.rows.reserve_column)."""
    from tilmeld.mail.tasks import send_message

    message = OutboxMessage(
        pk=pk,
        renderer=renderer,
        to_email=to_email,
        to_name=to_name,
        language=language,
        params=params or {},
        reference=reference,
    )
    rows.insert([message])
    enqueue = partial(send_message.enqueue, message.pk)
    if isinstance(send_message.get_backend(), DatabaseBackend):
        enqueue()  # its task row joins the message's rows.batch
    else:
        rows.once_written(enqueue)  # a backend may run the task at once: the row must exist
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, at most six hours."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 360))


def requeue(message: OutboxMessage) -> bool:
    """Staff retry of a failed or stuck mail (see OutboxMessage.objects.stuck): queues it with a
    fresh task and a clean count of attempts and interruptions. A mail that is sent or still on
    its way is left alone; returns whether the mail was queued. Locks the row."""
    from tilmeld.mail.tasks import send_message

    with transaction.atomic():
        retryable = Q(status=MessageStatus.FAILED) | Q(pk__in=OutboxMessage.objects.stuck())
        locked = OutboxMessage.objects.select_for_update().filter(retryable, pk=message.pk)
        if locked.first() is None:
            return False
        message.status = MessageStatus.QUEUED
        message.attempts = 0
        message.interruptions = 0
        message.next_attempt_at = None
        message.save(update_fields=["status", "attempts", "interruptions", "next_attempt_at"])
        send_message.enqueue(message.pk)
    return True


def next_attempt(message: OutboxMessage, error: Exception) -> None:
    """Records a failed render or send: queued again with back-off, failed after MAX_ATTEMPTS."""
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.next_attempt_at = None
    else:
        message.status = MessageStatus.QUEUED
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    _write(message, "attempts", "last_error", "status", "next_attempt_at")


def _write(message: OutboxMessage, *fields: str) -> None:
    """Saves these fields of a locked row. A plain UPDATE, not save(update_fields=…): a task
    run at once inside a registration's pipelined transaction (core.rows, the immediate backend
    of the tests) has no row count to read yet, and save() would take that for a lost row."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        **{field: getattr(message, field) for field in fields}
    )


def retry_later(message: OutboxMessage, error: Exception) -> None:
    """A failed render or send, on a locked row: recorded, and a task queued for the next
    attempt where the backend can wait for it."""
    from tilmeld.mail.tasks import send_message

    next_attempt(message, error)
    if message.status == MessageStatus.QUEUED and send_message.get_backend().supports_defer:
        send_message.using(run_after=message.next_attempt_at).enqueue(message.pk)


def claim(message: OutboxMessage, *, subject: str) -> None:
    """Marks a locked, queued mail as being sent now. Commit it before talking to the SMTP
    server: afterwards the claim is the only trace of a send that a crash interrupted."""
    message.status = MessageStatus.SENDING
    message.claimed_at = timezone.now()
    message.subject = subject[:300]
    _write(message, "status", "claimed_at", "subject")


def _claimed(message: OutboxMessage):
    """The mail's row as long as this send's claim holds (the sweep may have taken it back)."""
    return OutboxMessage.objects.filter(
        pk=message.pk, status=MessageStatus.SENDING, claimed_at=message.claimed_at
    )


def mark_sent(message: OutboxMessage) -> bool:
    """The SMTP server took the mail. False if the claim had expired and the mail was queued
    again meanwhile: then it goes out a second time, with the same Message-ID."""
    message.sent_at = timezone.now()
    return bool(_claimed(message).update(status=MessageStatus.SENT, sent_at=message.sent_at))


def record_failed_send(message: OutboxMessage, error: Exception) -> None:
    """The SMTP server refused the mail or could not be reached: retried with back-off, as a
    failed render. Nothing changes if the claim expired and the sweep took the mail back."""
    with transaction.atomic():
        if _claimed(message).select_for_update().first() is None:
            return
        retry_later(message, error)


def _send_soon(message_id: int) -> None:
    """A task due now: it sorts before the tasks queued without a date (see DBTaskResult.Meta)."""
    from tilmeld.mail.tasks import send_message

    send_message.using(run_after=timezone.now()).enqueue(message_id)


def recover_stuck_mail(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Takes back what stopped workers left behind; safe to run at any time, from any process.

    - A send claimed longer than the lease ago was interrupted: queued again at the front, once;
      interrupted a second time, it fails (staff can retry it).
    - A task still "running" after the lease lost its worker: marked failed.
    - A due, queued mail with no task that is waiting or running gets a new task (its worker
      died before claiming it; no copy can have gone out).

    Returns how many mails were queued again ("resent", "requeued") and failed ("failed")."""
    from tilmeld.mail.tasks import WorkerLost, send_message

    counts = {"resent": 0, "failed": 0, "requeued": 0}
    if not isinstance(send_message.get_backend(), DatabaseBackend):
        return counts  # other backends keep no task rows to look at
    now = now or timezone.now()
    cutoff = now - send_lease()

    with transaction.atomic():
        interrupted = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            status=MessageStatus.SENDING, claimed_at__lte=cutoff
        )
        for message in interrupted.order_by("claimed_at")[:SWEEP_BATCH]:
            begun = timezone.localtime(message.claimed_at).isoformat(timespec="seconds")
            message.last_error = f"Interrupted while sending (begun {begun})"
            if message.interruptions < MAX_INTERRUPTIONS:
                message.interruptions += 1
                message.status = MessageStatus.QUEUED
                message.next_attempt_at = None
                counts["resent"] += 1
                _send_soon(message.pk)
            else:
                message.last_error += "; not sent again automatically, it may have arrived"
                message.status = MessageStatus.FAILED
                counts["failed"] += 1
            message.save(update_fields=["status", "interruptions", "next_attempt_at", "last_error"])
            log.warning("Mail %s: %s", message.pk, message.last_error)

    # Any task still "running" past the lease lost its worker (a mail's send, an offer's
    # expiry, the reminders): none of them runs that long.
    DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lte=cutoff).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback="WorkerLost: the worker stopped while running this task (seen by the sweep)",
    )
    tasks = DBTaskResult.objects.filter(task_path=send_message.module_path)

    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    waiting = set(
        OutboxMessage.objects.filter(due, status=MessageStatus.QUEUED).values_list("pk", flat=True)
    )
    if waiting:
        live = tasks.filter(
            Q(status=TaskResultStatus.READY)
            | Q(status=TaskResultStatus.RUNNING, started_at__gt=cutoff)
        )
        waiting -= {args["args"][0] for args in live.values_list("args_kwargs", flat=True)}
    for message_id in sorted(waiting)[:SWEEP_BATCH]:
        _send_soon(message_id)
        counts["requeued"] += 1
    return counts
