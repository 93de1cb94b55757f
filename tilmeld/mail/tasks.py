import logging

from django.db import transaction
from django.utils import translation
from django.utils.module_loading import import_string
from django_tasks import task

from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.rendering import stamp_message_id
from tilmeld.mail.services import claim, mark_sent, record_failed_send, retry_later

log = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker process ended (killed, crashed) while running the task."""


@task()
def send_message(message_id: int) -> str:
    """Renders and sends one queued mail. The row is locked while it is rendered and claimed,
    so two workers never send the same mail; the claim is committed before the SMTP conversation
    so that a crash during it is noticed (services.recover_stuck_mail). A failure is retried
    later with back-off."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            return "skipped"
        try:
            # A savepoint: a failed query while rendering must not abort the transaction
            # that records the failure.
            with transaction.atomic(), translation.override(message.language):
                email = import_string(message.renderer)(message)
        except Exception as error:
            log.warning("Mail %s to %s failed: %s", message.pk, message.to_email, error)
            retry_later(message, error)
            return "retry"
        claim(message, subject=email.subject)
    # No transaction is open while the SMTP server is talked to: no row or database lock waits
    # for it. The body is not kept: it holds the participant's secret manage link.
    stamp_message_id(email, message)
    try:
        email.send()
    except Exception as error:
        log.warning("Mail %s to %s failed: %s", message.pk, message.to_email, error)
        record_failed_send(message, error)
        return "retry"
    if not mark_sent(message):
        log.warning("Mail %s was sent after its claim expired; it goes out once more", message.pk)
        return "sent late"
    return "sent"
