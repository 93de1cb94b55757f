"""Recording payments against issued invoices, by hand or from a bank's CSV export.

The invoice row is never updated; a payment is a row of its own, and what is outstanding is
summed under the invoice's row lock, so two staff members (or two imports) cannot overpay."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from tilmeld.core.money import money_text
from tilmeld.invoicing import signals
from tilmeld.invoicing.bankcsv import BankLine, clean_text, read_bank_csv
from tilmeld.invoicing.enums import InvoiceKind, PaymentSource
from tilmeld.invoicing.exceptions import InvoicingError
from tilmeld.invoicing.models import Invoice, Payment
from tilmeld.invoicing.selectors import amounts

# A number is a whole token: "K-0001" and "2026-0001" never name invoice "0001", while
# "nr.0001," does. Only tokens with a digit, as every number has, are looked up.
TOKEN = re.compile(r"[\w/-]*[0-9][\w/-]*")


@dataclass
class ImportResult:
    matched: list[tuple[BankLine, Payment]] = field(default_factory=list)
    already_imported: list[tuple[BankLine, Payment]] = field(default_factory=list)
    unmatched: list[tuple[BankLine, str]] = field(default_factory=list)


def _valid_amount(amount) -> Decimal:
    try:
        value = Decimal(str(amount))
        exact = value.is_finite() and value == value.quantize(Decimal("0.01"))
    except InvalidOperation:  # not a number, or too many digits to quantize ("1e30")
        exact = False
    if not exact:
        raise InvoicingError(_("An amount is in kroner and øre (two decimals)."), code="amount")
    if value <= 0:
        raise InvoicingError(_("A payment must be more than 0 kr."), code="amount")
    return value


def _add(invoice: Invoice, amount: Decimal, *, paid_on, by, reference: str, source) -> Payment:
    """Stores the payment if the (locked) invoice has that much outstanding; announces the
    invoice paid (signals.paid) when nothing is left."""
    if invoice.kind != InvoiceKind.INVOICE:
        raise InvoicingError(
            _("%(number)s is a credit note; a payment is recorded on an invoice.")
            % {"number": invoice.number},
            code="kind",
        )
    outstanding = amounts(invoice).outstanding
    if outstanding <= 0:
        raise InvoicingError(
            _("Nothing is outstanding on invoice %(number)s.") % {"number": invoice.number},
            code="paid",
        )
    if amount > outstanding:
        raise InvoicingError(
            _("%(amount)s is more than the %(outstanding)s outstanding on invoice %(number)s.")
            % {
                "amount": money_text(amount),
                "outstanding": money_text(outstanding),
                "number": invoice.number,
            },
            code="too_much",
        )
    payment = Payment.objects.create(
        invoice=invoice,
        amount=amount,
        paid_on=paid_on,
        reference=clean_text(reference),
        source=source,
        recorded_by=by.get_username() if by is not None else "",
    )
    if amount == outstanding:
        signals.paid.send(sender=Invoice, invoice=invoice, payment=payment)
    return payment


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk)


def record_payment(
    invoice: Invoice,
    amount,
    *,
    paid_on: dt.date,
    by,
    reference: str = "",
    source: str = PaymentSource.MANUAL,
) -> Payment:
    """Records `amount` (Decimal, int or str; kroner and øre) paid on `invoice`. Refuses a credit
    note, an amount of 0 or less, and more than is outstanding (gross - credited - paid); a
    part payment is fine. Locks the invoice row while it adds up what is paid."""
    amount = _valid_amount(amount)
    with transaction.atomic():
        return _add(
            _locked(invoice), amount, paid_on=paid_on, by=by, reference=reference, source=source
        )


def mark_paid(invoice: Invoice, *, paid_on: dt.date, by, reference: str = "") -> Payment:
    """Records what is outstanding on `invoice` as paid on `paid_on` (staff marking it paid).
    Refuses a credit note and an invoice with nothing outstanding; the amount is read under the
    invoice's row lock, so two staff members marking it at once record one payment."""
    with transaction.atomic():
        invoice = _locked(invoice)
        outstanding = amounts(invoice).outstanding
        return _add(
            invoice,
            max(outstanding, Decimal(0)),
            paid_on=paid_on,
            by=by,
            reference=reference,
            source=PaymentSource.MANUAL,
        )


def _invoice_named(line: BankLine, named: dict[str, Invoice]) -> Invoice | str:
    """The one invoice whose number is a token of the line's text, or why there is none."""
    found = [named[token] for token in dict.fromkeys(TOKEN.findall(line.text)) if token in named]
    invoices = [invoice for invoice in found if invoice.kind == InvoiceKind.INVOICE]
    if len(invoices) == 1:
        return invoices[0]
    if invoices:
        return _("The text names several invoices: %(numbers)s.") % {
            "numbers": ", ".join(invoice.number for invoice in invoices)
        }
    if found:
        return _("%(number)s is a credit note; a payment is recorded on an invoice.") % {
            "number": found[0].number
        }
    return _("No invoice number found in the text.")


def import_bank_csv(data: bytes, *, by) -> ImportResult:
    """Records each incoming payment of a bank export (see bankcsv) whose text names exactly one
    invoice by its number and whose amount is at most what is outstanding on it. A line already
    imported (same invoice, date, amount and text) is reported, never recorded twice, so the same
    file may be imported again. A file that cannot be read is refused whole (InvoicingError),
    before anything is stored; each recorded line is its own transaction, under the invoice lock."""
    lines = read_bank_csv(data)
    tokens = {token for line in lines for token in TOKEN.findall(line.text)}
    named = {invoice.number: invoice for invoice in Invoice.objects.filter(number__in=tokens)}
    result = ImportResult()
    for line in lines:
        if line.amount <= 0:
            result.unmatched.append((line, _("Not an incoming payment.")))
            continue
        invoice = _invoice_named(line, named)
        if isinstance(invoice, str):
            result.unmatched.append((line, invoice))
            continue
        try:
            with transaction.atomic():
                invoice = _locked(invoice)
                earlier = invoice.payments.filter(
                    source=PaymentSource.BANK,
                    paid_on=line.paid_on,
                    amount=line.amount,
                    reference=line.text,
                ).first()
                if earlier is not None:
                    result.already_imported.append((line, earlier))
                    continue
                payment = _add(
                    invoice,
                    line.amount,
                    paid_on=line.paid_on,
                    by=by,
                    reference=line.text,
                    source=PaymentSource.BANK,
                )
        except InvoicingError as error:
            result.unmatched.append((line, error.message))
        else:
            result.matched.append((line, payment))
    return result
