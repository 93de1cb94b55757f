from django.db import models
from django.utils.translation import pgettext_lazy


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", pgettext_lazy("document", "Invoice")
    CREDIT_NOTE = "credit_note", pgettext_lazy("document", "Credit note")


class PaymentSource(models.TextChoices):
    MANUAL = "manual", pgettext_lazy("payment source", "Manual")
    BANK = "bank", pgettext_lazy("payment source", "Bank import")
