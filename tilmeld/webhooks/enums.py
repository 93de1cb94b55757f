from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    """What a subscription can listen to. The names are the webhook's `type`: a receiver's
    code depends on them, so they never change."""

    REGISTRATION_CREATED = "registration.created", _("Booking made (with its participants)")
    REGISTRATION_CONFIRMED = "registration.confirmed", _("Participant got a seat")
    REGISTRATION_WAITLISTED = "registration.waitlisted", _("Participant joined the waiting list")
    REGISTRATION_OFFERED = "registration.offered", _("Participant was offered a seat")
    REGISTRATION_CANCELLED = "registration.cancelled", _("Participant cancelled")
    REGISTRATION_SUBSTITUTED = "registration.substituted", _("Participant handed over the seat")
    CHECKIN_CREATED = "checkin.created", _("Participant checked in")
    INVOICE_ISSUED = "invoice.issued", _("Invoice or credit note issued")
    INVOICE_PAID = "invoice.paid", _("Invoice paid in full")
    EVENT_CHANGED = "event.changed", _("Event saved by staff")


# Sent only by a test ping (services.ping), whatever the subscription listens to.
PING = "webhook.ping"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    # Claimed by a worker and committed before the HTTP request: a row left in this state past
    # the lease is a send a stopped worker interrupted (services.recover_deliveries).
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will be tried again")
    ABANDONED = "abandoned", _("Given up")


class DisabledReason(models.TextChoices):
    GONE = "gone", _("The receiver answered 410 Gone")
    FAILING = "failing", _("Deliveries kept failing")
