from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tilmeld.events.models import Event, Session


class Audience(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed participants")
    WAITING = "waiting", _("The waiting list")
    ACTIVE = "active", _("Confirmed and waiting")
    SESSION = "session", _("Participants in one session")
    NOT_CHECKED_IN = "not_checked_in", _("Confirmed, not checked in")


class Broadcast(models.Model):
    """A message staff sent to a chosen group of an event's participants. Each recipient's mail
    is an OutboxMessage with reference "broadcast:<id>", which logs queued / sent / failed."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="broadcasts")
    audience = models.CharField(_("to"), max_length=20, choices=Audience.choices)
    session = models.ForeignKey(
        Session, verbose_name=_("session"), null=True, blank=True, on_delete=models.SET_NULL
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, verbose_name=_("sent by")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("message to participants")
        verbose_name_plural = _("messages to participants")

    def __str__(self):
        return self.subject

    @property
    def reference(self) -> str:
        return f"broadcast:{self.pk}"
