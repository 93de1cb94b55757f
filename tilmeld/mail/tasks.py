import logging

from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django_tasks import task

from tilmeld.mail.models import MessageStatus, OutboxMessage
from tilmeld.mail.services import next_attempt

log = logging.getLogger(__name__)


@task()
def send_message(message_id: int) -> str:
    """Renders and sends one queued mail. The row stays locked while sending, so two workers
    never send the same mail; a failure is retried later with back-off."""
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
            email.send()
        except Exception as error:
            log.warning("Mail %s to %s failed: %s", message.pk, message.to_email, error)
            next_attempt(message, error)
            if message.status == MessageStatus.QUEUED and send_message.get_backend().supports_defer:
                send_message.using(run_after=message.next_attempt_at).enqueue(message.pk)
            return "retry"
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        # The body is not kept: it holds the participant's secret manage link.
        message.subject = email.subject[:300]
        message.save(update_fields=["status", "sent_at", "subject"])
    return "sent"
