from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Abs
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _

from tilmeld.invoicing.documents import snapshot
from tilmeld.invoicing.documents.data import Document
from tilmeld.invoicing.enums import DeliveryState, InvoiceKind, PaymentSource


class InvoiceSeries(models.Model):
    """A number sequence. Its row is the lock every new number takes (services.issue), and the
    number is taken in the transaction that stores the invoice: no two alike, and no gap."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    prefix = models.CharField(_("prefix"), max_length=20, blank=True)
    next_number = models.PositiveIntegerField(_("next number"), default=1)

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")

    def __str__(self):
        return f"{self.prefix}{self.next_number:04d}"


class Invoice(models.Model):
    """An issued invoice or credit note. Never changed once stored: a database trigger refuses
    any UPDATE (migration 0008, after 0002) but one, the removal of personal names once the
    bookkeeping period is over (tilmeld.privacy.retention). A correction is a credit note and a
    new invoice. What it says is kept whole in `document` (documents.snapshot), from which its
    PDF and XML are made. A migration that changes this table must make the trigger again on
    SQLite (as 0008 does): SQLite copies the table, and the copy has no trigger."""

    kind = models.CharField(_("kind"), max_length=12, choices=InvoiceKind.choices)
    series = models.ForeignKey(
        InvoiceSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="invoices"
    )
    sequence = models.PositiveIntegerField(_("sequence number"))
    number = models.CharField(_("number"), max_length=40, unique=True)
    issue_date = models.DateField(_("date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    booking = models.ForeignKey(
        "registrations.Booking",
        verbose_name=_("booking"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    credits = models.ForeignKey(
        "self",
        verbose_name=_("credits invoice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_notes",
    )
    buyer_name = models.CharField(_("buyer"), max_length=300)
    net = models.DecimalField(_("excl. VAT"), max_digits=12, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    gross = models.DecimalField(_("incl. VAT"), max_digits=12, decimal_places=2)
    document = models.JSONField(_("document"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.CharField(_("issued by"), max_length=150, blank=True)
    # The one change the trigger allows (migration 0008): once the bookkeeping period is over,
    # tilmeld.privacy removes the personal names, once, and sets this.
    anonymised_at = models.DateTimeField(_("names removed"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], name="invoice_number_once"),
            # Within half an øre rather than equal: SQLite keeps decimals as binary floating
            # point, where 22559.76 + 5639.94 is not 28199.70. On PostgreSQL, exact.
            models.CheckConstraint(
                condition=LessThan(Abs(F("gross") - F("net") - F("vat")), Decimal("0.005")),
                name="invoice_gross_is_net_plus_vat",
            ),
            # Credit notes carry positive amounts too (the Danish Peppol rules refuse negative).
            models.CheckConstraint(condition=Q(net__gte=0, vat__gte=0), name="invoice_positive"),
            models.CheckConstraint(
                condition=Q(kind=InvoiceKind.INVOICE, credits__isnull=True)
                | Q(kind=InvoiceKind.CREDIT_NOTE, credits__isnull=False),
                name="credit_note_credits_an_invoice",
            ),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def as_document(self) -> Document:
        return snapshot.from_json(self.document)


class Delivery(models.Model):
    """How an invoice to a public body travels as XML: ready, handed over to the delivery
    backend (a folder an access point reads, later an access point's API), then acknowledged or
    rejected by the buyer's side. The invoice itself never changes; this row does."""

    invoice = models.OneToOneField(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="delivery"
    )
    backend = models.CharField(_("delivered by"), max_length=40)
    state = models.CharField(
        _("state"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.READY
    )
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)  # e.g. why the buyer's system refused it
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["state", "updated_at"])]
        verbose_name = _("e-invoice delivery")
        verbose_name_plural = _("e-invoice deliveries")

    def __str__(self):
        return f"{self.invoice.number}: {self.get_state_display()}"


class Payment(models.Model):
    """Money received for an invoice. The invoice itself is never updated: what is paid and what
    is outstanding are sums over these rows (selectors.with_balances); services.record_payment
    refuses more than is outstanding. A bank line is imported once (the conditional unique)."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    # Capped (the import cuts a bank text to fit): a long text in a unique index can fail to store.
    reference = models.CharField(_("reference"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=PaymentSource.choices, default=PaymentSource.MANUAL
    )
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(
                fields=["invoice", "paid_on", "amount", "reference"],
                condition=Q(source="bank"),
                name="bank_payment_imported_once",
            ),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.invoice.number}: {self.amount} ({self.paid_on.isoformat()})"


class Charge(models.Model):
    """What an invoice line charged a participant for: the seat (no option) or an option, and
    the credit note that took it back, if one did. Lets a booking be settled line by line: a
    cancelled participant's lines credited, a changed price credited and invoiced anew. The
    invoice never changes; a charge's `credit_note` is set once."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="charges"
    )
    participant = models.ForeignKey(
        "registrations.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="charges",
    )
    option = models.ForeignKey(
        "pricing.Option",
        verbose_name=_("option"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    line_id = models.CharField(_("line"), max_length=20)
    entered = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    credit_note = models.ForeignKey(
        Invoice,
        verbose_name=_("credit note"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credited_charges",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "line_id"], name="charge_line_once"),
        ]
        indexes = [models.Index(fields=["participant", "credit_note"])]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self):
        return f"{self.invoice.number}/{self.line_id}"


class Reminder(models.Model):
    """A payment reminder mailed for an invoice (reminders.send_reminder): the invoice is never
    changed, so when it was reminded is a row of its own."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="reminders"
    )
    outstanding = models.DecimalField(_("outstanding"), max_digits=12, decimal_places=2)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.CharField(_("sent by"), max_length=150, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("payment reminder")
        verbose_name_plural = _("payment reminders")

    def __str__(self):
        return f"{self.invoice.number}: {self.sent_at.isoformat()}"
