from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


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
    subject = models.CharField(_("subject"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails (outbox)")

    def __str__(self):
        return f"{self.to_email}: {self.subject or self.get_status_display()}"  # written on sending
