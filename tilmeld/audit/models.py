from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tilmeld.audit.enums import AuditAction


class AuditEntry(models.Model):
    """One access by staff to personal data. Written once, never changed. It names what was
    opened (an event, a count, an export's format) but holds no participant's data itself:
    a person is referred to by person_reference(), not by their address."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="audit_entries",
    )
    # Kept when the user is deleted: who did it must stay readable.
    username = models.CharField(_("username"), max_length=150)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    target = models.CharField(_("what"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("number of people"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"]), models.Index(fields=["event", "-at"])]

    def __str__(self):
        return f"{self.username}: {self.get_action_display()}"
