"""Issuing invoices and credit notes: numbers, and what may be credited.

The booking-to-invoice step (prices, payer, lines) builds a Document and calls `issue`; this
module owns what every issued document obeys: a number from its series, gapless and unique under
concurrency, and a stored snapshot that is never changed (see models.Invoice)."""

import dataclasses
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from tilmeld.invoicing import delivery, mails, signals
from tilmeld.invoicing.documents import snapshot
from tilmeld.invoicing.documents.data import Document, Kind, VatCategory
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice, InvoiceSeries

DEFAULT_SERIES = {InvoiceKind.INVOICE: "invoice", InvoiceKind.CREDIT_NOTE: "credit-note"}
# Numbers are unique across series: a series made at its first use gets its prefix from here;
# any other series is prefixed by its own code (series "2027" numbers 2027-0001 …).
FIRST_PREFIX = {"invoice": "", "credit-note": "K-"}
LARGEST = Decimal("9999999999.99")  # what the amount columns hold


def _take_number(code: str) -> tuple[InvoiceSeries, int, str]:
    """The series' next number, under its row lock (held until the caller's transaction ends).
    A series is made at its first use; the unique code makes a concurrent first use wait."""
    prefix = FIRST_PREFIX.get(code, f"{code}-")
    InvoiceSeries.objects.bulk_create(
        [InvoiceSeries(code=code, prefix=prefix)], ignore_conflicts=True
    )
    series = InvoiceSeries.objects.select_for_update().get(code=code)
    sequence = series.next_number
    series.next_number += 1
    series.save(update_fields=["next_number"])
    return series, sequence, f"{series.prefix}{sequence:04d}"


def issue(document: Document, *, series: str = "", booking=None, by=None) -> Invoice:
    """Stores `document` as an issued invoice with the next number of its series; the number
    replaces the one it carries and is its payment reference. The number is taken in the same
    transaction as the invoice row, so a failure gives it back: numbers never repeat and never
    leave a gap. Locks the series row. Refuses (InvoicingError) a document that could not be
    issued as it is, since an issued invoice is never changed (see check)."""
    if document.kind != Kind.INVOICE:
        raise TypeError("issue() takes an invoice; credit() issues credit notes")
    return _store(document, series=series, booking=booking, credits=None, by=by)


def credit(invoice: Invoice, document: Document, *, series: str = "", by=None) -> Invoice:
    """Issues `document` (a credit note, positive amounts) against `invoice`, to the invoice's
    buyer from its seller. Refuses to credit more in any VAT category than the invoice charged
    there, counting the credit notes already issued for it; the invoice's row is locked while
    they are added up, so two staff members cannot both pass."""
    if document.kind != Kind.CREDIT_NOTE:
        raise TypeError("credit() takes a credit note")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.kind != InvoiceKind.INVOICE:
            raise InvoicingError(_("Only an invoice can be credited."), code="kind")
        original = invoice.as_document()
        document = dataclasses.replace(
            document,
            seller=original.seller,
            buyer=original.buyer,
            buyer_reference=original.buyer_reference,
            order_reference=original.order_reference,
            credited_number=invoice.number,
            credited_date=invoice.issue_date,
        )
        earlier = [note.as_document() for note in invoice.credit_notes.all()]
        for category, percent, base, _vat in document.vat_breakdown():
            charged = _base(original, category, percent)
            credited = sum((_base(note, category, percent) for note in earlier), Decimal(0))
            if credited + base > charged:
                raise InvoicingError(
                    _("This would credit more than invoice %(number)s charged.")
                    % {"number": invoice.number},
                    code="too_much",
                )
        return _store(document, series=series, booking=invoice.booking, credits=invoice, by=by)


def _base(document: Document, category, percent) -> Decimal:
    return sum(
        (base for c, p, base, _vat in document.vat_breakdown() if (c, p) == (category, percent)),
        Decimal(0),
    )


def check(document: Document) -> None:
    """What an issued document can never be corrected for, refused before it is stored: no
    lines, an amount beyond the columns, exempt lines without their legal basis, or text the
    e-invoice formats cannot carry (both are written once here, and must succeed)."""
    if not document.lines:
        raise InvoicingError(_("An invoice needs at least one line."), code="empty")
    if document.gross_total > LARGEST or any(line.net < 0 for line in document.lines):
        raise InvoicingError(_("An amount on the invoice is out of range."), code="amount")
    exempt = any(line.vat_category == VatCategory.EXEMPT for line in document.lines)
    if exempt and not document.vat_exemption_reason.strip():
        raise InvoicingError(
            _("Exempt lines need the legal basis of the exemption."), code="exemption"
        )
    if document.e_invoiceable:
        try:
            oioubl_xml(document)
            peppol_xml(document)
        except ValueError as error:  # lxml refuses control characters in text
            raise InvoicingError(
                _("The invoice cannot be written as an e-invoice: %(error)s") % {"error": error},
                code="xml",
            ) from error


def _store(document: Document, *, series, booking, credits, by) -> Invoice:
    kind = InvoiceKind(document.kind.value)
    with transaction.atomic():
        row, sequence, number = _take_number(series or DEFAULT_SERIES[kind])
        payment = dataclasses.replace(document.payment, reference=number)
        issued = dataclasses.replace(document, number=number, payment=payment)
        check(issued)
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
        signals.issued.send(sender=Invoice, invoice=invoice)
        return invoice
