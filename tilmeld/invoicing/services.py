"""Issuing invoices and credit notes: numbers, and what may be credited.

The booking-to-invoice step (prices, payer, lines) builds a Document and calls `issue`; this
module owns what every issued document obeys: a number from its series, gapless and unique under
concurrency, and a stored snapshot that is never changed (see models.Invoice)."""

import dataclasses

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from tilmeld.invoicing import delivery, mails
from tilmeld.invoicing.documents import snapshot
from tilmeld.invoicing.documents.data import Document, Kind
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice, InvoiceSeries

DEFAULT_SERIES = {InvoiceKind.INVOICE: "invoice", InvoiceKind.CREDIT_NOTE: "credit-note"}
# Numbers are unique across series: a series made at its first use gets its prefix from here.
FIRST_PREFIX = {"credit-note": "K-"}


def _take_number(code: str) -> tuple[InvoiceSeries, int, str]:
    """The series' next number, under its row lock (held until the caller's transaction ends).
    A series is made at its first use; the unique code makes a concurrent first use wait."""
    InvoiceSeries.objects.bulk_create(
        [InvoiceSeries(code=code, prefix=FIRST_PREFIX.get(code, ""))], ignore_conflicts=True
    )
    series = InvoiceSeries.objects.select_for_update().get(code=code)
    sequence = series.next_number
    series.next_number += 1
    series.save(update_fields=["next_number"])
    return series, sequence, f"{series.prefix}{sequence:04d}"


def issue(document: Document, *, series: str = "", booking=None, by=None) -> Invoice:
    """Stores `document` as an issued invoice with the next number of its series (the number it
    carries is replaced). The number is taken in the same transaction as the invoice row, so a
    failure gives it back: numbers never repeat and never leave a gap. Locks the series row."""
    if document.kind != Kind.INVOICE:
        raise InvoicingError(_("Use credit() to issue a credit note."), code="kind")
    return _store(document, series=series, booking=booking, credits=None, by=by)


def credit(invoice: Invoice, document: Document, *, series: str = "", by=None) -> Invoice:
    """Issues `document` (a credit note, positive amounts) against `invoice`. Refuses to credit
    more than the invoice's total, counting the credit notes already issued for it; the
    invoice's row is locked while they are added up, so two staff members cannot both pass."""
    if document.kind != Kind.CREDIT_NOTE:
        raise InvoicingError(_("A credit note is needed to credit an invoice."), code="kind")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.kind != InvoiceKind.INVOICE:
            raise InvoicingError(_("Only an invoice can be credited."), code="kind")
        credited = invoice.credit_notes.aggregate(total=Sum("gross"))["total"] or 0
        if credited + document.gross_total > invoice.gross:
            raise InvoicingError(
                _("This would credit more than invoice %(number)s's total.")
                % {"number": invoice.number},
                code="too_much",
            )
        document = dataclasses.replace(
            document, credited_number=invoice.number, credited_date=invoice.issue_date
        )
        return _store(document, series=series, booking=invoice.booking, credits=invoice, by=by)


def _store(document: Document, *, series, booking, credits, by) -> Invoice:
    kind = InvoiceKind(document.kind.value)
    with transaction.atomic():
        row, sequence, number = _take_number(series or DEFAULT_SERIES[kind])
        issued = dataclasses.replace(document, number=number)
        invoice = Invoice.objects.create(
            kind=kind,
            series=row,
            sequence=sequence,
            number=number,
            issue_date=issued.issue_date,
            due_date=issued.due_date,
            booking=booking,
            credits=credits,
            buyer_name=issued.buyer.name[:300],
            net=issued.net_total,
            vat=issued.vat_total,
            gross=issued.gross_total,
            document=snapshot.to_json(issued),
            issued_by=by.get_username() if by is not None else "",
        )
        # In this transaction: public bodies get the XML, everyone else the PDF by mail.
        if delivery.queue(invoice) is None:
            mails.queue(invoice)
        return invoice
