"""Queueing mail. Call inside the transaction of the change that causes the mail."""

import datetime as dt
from functools import partial

from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

from tilmeld.core import rows
from tilmeld.mail.models import MessageStatus, OutboxMessage

MAX_ATTEMPTS = 8


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


def requeue(message: OutboxMessage) -> None:
    """Staff retry of a failed mail."""
    from tilmeld.mail.tasks import send_message

    message.status = MessageStatus.QUEUED
    message.attempts = 0
    message.next_attempt_at = None
    message.save(update_fields=["status", "attempts", "next_attempt_at"])
    send_message.enqueue(message.pk)


def next_attempt(message: OutboxMessage, error: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.next_attempt_at = None
    else:
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
