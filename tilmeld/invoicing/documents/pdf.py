"""An invoice or credit note as an A4 PDF, in the document's language.

A pure function from a Document to bytes, like the XML formats beside it. The layout lives in
templates/invoicing/invoice_pdf.html and its stylesheet invoice_pdf.css; every text in them is
escaped by the template engine, so a buyer's name cannot add markup. WeasyPrint may fetch nothing
but the logo, which arrives as bytes and goes in as a data: URL."""

import base64
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _

from tilmeld.core.money import money, money_text

from .data import Document, Kind, VatCategory

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "invoicing" / "invoice_pdf.css"

_IMAGE_TYPES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def invoice_pdf(document: Document, *, seller_logo: bytes | None = None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    with translation.override(document.language):
        html = invoice_html(document, seller_logo=seller_logo)
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))]
    )


def invoice_html(document: Document, *, seller_logo: bytes | None = None) -> str:
    """The HTML WeasyPrint lays out, in the active language."""
    credit = document.kind == Kind.CREDIT_NOTE
    title = (_("Credit note %(number)s") if credit else _("Invoice %(number)s")) % {
        "number": document.number
    }
    context = {
        "document": document,
        "credit": credit,
        "title": title,
        "language": document.language,
        "logo": _data_url(seller_logo) if seller_logo else "",
        "lines": [
            {
                "line": line,
                "quantity": _number(line.quantity),
                "gross": money(line.net * (100 + line.percent) / 100),
            }
            for line in document.lines
        ],
        "vat_rows": _vat_rows(document),
        "credited": _credited(document) if credit else "",
        "pay_by": _pay_by(document) if document.due_date and not credit else "",
        "bank_account": _bank_account(document),
    }
    return render_to_string("invoicing/invoice_pdf.html", context)


def _date(value) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _number(value: Decimal) -> str:
    """1 → "1", 1.5 → "1,5" in Danish: a quantity or a percentage without trailing zeros."""
    if value == value.to_integral_value():
        return str(int(value))
    return formats.number_format(value.normalize(), use_l10n=True)


def _vat_rows(document: Document) -> list[tuple[str, Decimal]]:
    rows = []
    for category, percent, base, vat in document.vat_breakdown():
        if category == VatCategory.EXEMPT:
            label = _("Exempt from VAT: %(amount)s") % {"amount": money_text(base)}
        else:
            label = _("VAT %(percent)s %% of %(amount)s") % {
                "percent": _number(percent),
                "amount": money_text(base),
            }
        rows.append((label, vat))
    return rows


def _credited(document: Document) -> str:
    if not document.credited_number:
        return ""
    if not document.credited_date:
        return document.credited_number
    return _("%(number)s of %(date)s") % {
        "number": document.credited_number,
        "date": _date(document.credited_date),
    }


def _pay_by(document: Document) -> str:
    return _("Please pay %(amount)s by %(date)s, quoting the payment reference.") % {
        "amount": money_text(document.gross_total),
        "date": _date(document.due_date),
    }


def _bank_account(document: Document) -> str:
    payment = document.payment
    if not payment.danish_account:
        return ""
    return _("Reg. no. %(reg)s, account no. %(account)s") % {
        "reg": payment.bank_reg,
        "account": payment.bank_account,
    }


def _data_url(image: bytes) -> str:
    kind = next((mime for magic, mime in _IMAGE_TYPES if image.startswith(magic)), None)
    if kind is None:
        kind = "image/svg+xml" if b"<svg" in image[:1024] else "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(image).decode('ascii')}"
