import base64
import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tilmeld.webhooks.enums import DeliveryStatus, DisabledReason

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix Standard Webhooks gives every secret


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def send_lease() -> dt.timedelta:
    """How long one send may take before it counts as interrupted; longer than a request's
    timeout (sending.TOTAL_TIMEOUT)."""
    return dt.timedelta(seconds=settings.WEBHOOKS_SEND_LEASE)


class Subscription(models.Model):
    """A URL that is sent the events it listens to, signed with its own secret. Disabled by
    the worker after a 410 or repeated failure (services.record_outcome); staff re-enable it."""

    url = models.URLField(_("URL"), max_length=2000)
    events = models.JSONField(pgettext_lazy("webhook", "events"), default=list)
    secret = models.CharField(_("secret"), max_length=100, default=new_secret, editable=False)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(
        _("why disabled"), max_length=10, choices=DisabledReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Deliveries given up in a row, and when the failures began; both reset by a delivery.
    consecutive_failures = models.PositiveIntegerField(_("deliveries given up in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.description or self.url


class Delivery(models.Model):
    """One event sent to one subscription: its message id (the `webhook-id` header) and its body
    never change, so a retry or a replay sends the same message, and a receiver drops what it
    has seen. Written in the transaction of the change (services.emit); sent by the worker."""

    # No database constraint: the registration's hot path writes deliveries for the
    # subscriptions it has cached (listeners.py) without reading them, and a subscription deleted
    # meanwhile must not fail a registration at commit. The worker drops such an orphan.
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_constraint=False,
    )
    event_type = models.CharField(pgettext_lazy("webhook", "event"), max_length=40)
    message_id = models.CharField(_("message id"), max_length=40, unique=True)
    payload = models.JSONField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),  # the sweep's due deliveries
            models.Index(fields=["subscription", "-created_at"]),  # a subscription's log
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event_type} {self.message_id}"
