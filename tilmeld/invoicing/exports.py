"""What the bookkeeper gets: every issued invoice and credit note as files, and a ledger."""

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tilmeld.core.site import site_settings
from tilmeld.invoicing.documents.oioubl import oioubl_xml
from tilmeld.invoicing.documents.pdf import invoice_pdf
from tilmeld.invoicing.documents.peppol import peppol_xml
from tilmeld.invoicing.models import Invoice
from tilmeld.invoicing.selectors import paid_in_full_on
from tilmeld.registrations.exports import safe_cell


def site_logo() -> bytes | None:
    """The association's logo from the site settings, for the PDF's letterhead."""
    logo = site_settings().logo
    if not logo:
        return None
    try:
        with logo.open("rb") as file:
            return file.read(2_000_000)
    except OSError:  # a logo gone from storage leaves the letterhead without it
        return None


def pdf(document) -> bytes:
    """The document's PDF with the association's logo."""
    return invoice_pdf(document, seller_logo=site_logo())


FORMATS = {".pdf": pdf, ".oioubl.xml": oioubl_xml, ".peppol.xml": peppol_xml}


def file_stem(invoice: Invoice) -> str:
    """The number as a file name: anything but letters, digits, dot, dash and underscore
    becomes a dash (a prefix may hold a slash)."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", invoice.number)


def invoice_files(invoice: Invoice) -> dict[str, bytes]:
    """NUMBER.pdf, and NUMBER.oioubl.xml and NUMBER.peppol.xml where the buyer can receive an
    e-invoice (a private person cannot), made from the stored document."""
    document = invoice.as_document()
    formats = FORMATS if document.e_invoiceable else {".pdf": pdf}
    return {file_stem(invoice) + suffix: render(document) for suffix, render in formats.items()}


def _amount(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")  # as Danish Excel reads a number


def _date(value) -> str:
    return value.isoformat() if value else ""


def ledger_csv(invoices: Iterable[Invoice]) -> bytes:
    """One row per document, in number order: UTF-8 with a BOM and semicolons, as Danish Excel
    opens it. A credit note's amounts are negative here, so the columns add up to what is owed.
    "Paid" is the day an invoice was paid in full. Expects selectors.with_balances() rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(
        [
            _("Number"),
            _("Kind"),
            _("Date"),
            _("Payer"),
            _("EAN/CVR"),
            _("Excl. VAT"),
            capfirst(_("VAT")),  # the model field's word, lower case
            _("Incl. VAT"),
            _("Due"),
            _("Credits"),
            _("Paid"),
        ]
    )
    for invoice in invoices:
        buyer = invoice.as_document().buyer
        sign = -1 if invoice.credits_id else 1
        writer.writerow(
            [
                safe_cell(invoice.number),
                invoice.get_kind_display(),
                invoice.issue_date.isoformat(),
                safe_cell(invoice.buyer_name),
                safe_cell(buyer.gln or buyer.cvr),
                _amount(sign * invoice.net),
                _amount(sign * invoice.vat),
                _amount(sign * invoice.gross),
                _date(invoice.due_date),
                safe_cell(invoice.credits.number) if invoice.credits_id else "",
                _date(paid_in_full_on(invoice)),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
