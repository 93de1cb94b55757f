import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Claimed by a worker and committed before the SMTP conversation starts: a row left in this
    # state past the lease is proof that a send was interrupted (see services.recover_stuck_mail).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


def send_lease() -> dt.timedelta:
    """How long one send may take before it counts as interrupted; longer than EMAIL_TIMEOUT."""
    return dt.timedelta(seconds=settings.MAIL_SEND_LEASE)


class OutboxMessageQuerySet(models.QuerySet):
    def stuck(self, now: dt.datetime | None = None):
        """Mails that should have gone out by now and are not on their way: a send begun longer
        than the lease ago, or a due mail waiting longer than the lease (no worker took it)."""
        cutoff = (now or timezone.now()) - send_lease()
        return self.alias(due_since=Coalesce("next_attempt_at", "created_at")).filter(
            Q(status=MessageStatus.SENDING, claimed_at__lte=cutoff)
            | Q(status=MessageStatus.QUEUED, due_since__lte=cutoff)
        )


class OutboxMessage(models.Model):
    """One e-mail to one recipient. Written in the same transaction as the change that causes it,
    so a mail is never lost; rendered and sent by the worker."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    to_email = models.EmailField(_("recipient"))
    to_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=5, default="da", choices=settings.LANGUAGES
    )
    renderer = models.CharField(_("kind"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    interruptions = models.PositiveSmallIntegerField(_("interrupted sends"), default=0)
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails (outbox)")

    def __str__(self):
        return f"{self.to_email}: {self.subject or self.get_status_display()}"  # written on sending
