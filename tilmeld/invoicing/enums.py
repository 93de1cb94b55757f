from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("document", "Invoice")
    CREDIT_NOTE = "credit_note", pgettext_lazy("document", "Credit note")


class DeliveryState(models.TextChoices):
    READY = "ready", _("Ready to hand over")
    HANDED_OVER = "handed_over", _("Handed over")
    ACKNOWLEDGED = "acknowledged", _("Received by the buyer's system")
    REJECTED = "rejected", _("Rejected")


class PaymentSource(models.TextChoices):
    MANUAL = "manual", pgettext_lazy("payment source", "Manual")
    BANK = "bank", pgettext_lazy("payment source", "Bank import")
