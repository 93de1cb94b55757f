"""An invoice or credit note as its documents need it: plain data, no database.

Each format (documents/oioubl.py, documents/peppol.py, documents/pdf.py) is a pure function from
a Document to bytes. The invoicing services build a Document from an issued invoice; tests build
them directly. Amounts are Decimal with two places (kroner and øre), never float."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from stdnum import luhn

from tilmeld.core.money import money


class Kind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class VatCategory(StrEnum):
    STANDARD = "S"  # Danish VAT, 25 %
    EXEMPT = "E"  # exempt, with the legal basis in Document.vat_exemption_reason


@dataclass(frozen=True)
class Party:
    """Seller or buyer. `gln` is a 13-digit EAN/GLN location number (Peppol scheme 0088),
    `cvr` an 8-digit Danish CVR number (scheme 0184)."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "DK"
    cvr: str = ""
    gln: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""


@dataclass(frozen=True)
class Line:
    """One line: `unit_price` is excluding VAT; `net` is quantity × unit_price, rounded to øre
    once (money())."""

    id: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_category: VatCategory
    vat_percent: Decimal = Decimal("25")
    note: str = ""  # e.g. the participant's name and the event's date

    @property
    def net(self) -> Decimal:
        return money(self.quantity * self.unit_price)

    @property
    def percent(self) -> Decimal:
        """The VAT rate that applies: the line's own when standard rated, else 0."""
        return self.vat_percent if self.vat_category == VatCategory.STANDARD else Decimal(0)


@dataclass(frozen=True)
class Payment:
    """How to pay: a Danish bank account (registration number and account), an IBAN/BIC, and
    the reference the payer quotes (PaymentID)."""

    reference: str
    bank_reg: str = ""
    bank_account: str = ""
    iban: str = ""
    bic: str = ""
    fi_creditor: str = ""  # the 8-digit FI creditor number, for the +71 payment line

    @property
    def fi_line(self) -> str:
        """The FI payment line (type 71) a Danish payer types into their bank: +71<payment
        id>+creditor<, the payment id being the reference's digits, padded to 14 and followed
        by a modulus-10 check digit. Empty without a creditor number or a reference."""
        digits = "".join(c for c in self.reference if c.isdigit())
        if not (self.fi_creditor and digits) or len(digits) > 14:
            return ""
        payment_id = digits.zfill(14)
        return f"+71<{payment_id}{luhn.calc_check_digit(payment_id)}>+{self.fi_creditor}<"

    @property
    def danish_account(self) -> bool:
        """Paid to a Danish registration number and account (else by IBAN/BIC)."""
        return bool(self.bank_reg and self.bank_account)


@dataclass(frozen=True)
class Document:
    kind: Kind
    number: str
    issue_date: dt.date
    seller: Party
    buyer: Party
    lines: list[Line]
    payment: Payment
    due_date: dt.date | None = None
    currency: str = "DKK"
    buyer_reference: str = ""  # the buyer's person reference (BuyerReference)
    order_reference: str = ""  # the buyer's order number (OrderReference)
    accounting_cost: str = ""  # the buyer's accounting string, where they give one
    vat_exemption_reason: str = ""  # required when any line is exempt, e.g. »Momsfritaget …«
    note: str = ""
    credited_number: str = ""  # a credit note: the invoice it credits
    credited_date: dt.date | None = None
    language: str = "da"
    extra: dict = field(default_factory=dict)

    def vat_breakdown(self) -> list[tuple[VatCategory, Decimal, Decimal, Decimal]]:
        """(category, percent, taxable amount, VAT) per category, VAT rounded once per category
        from the sum of the lines' net amounts."""
        groups: dict[tuple[VatCategory, Decimal], Decimal] = {}
        for line in self.lines:
            key = (line.vat_category, line.percent)
            groups[key] = groups.get(key, Decimal(0)) + line.net
        return [
            (category, percent, money(base), money(base * percent / 100))
            for (category, percent), base in groups.items()
        ]

    @property
    def e_invoiceable(self) -> bool:
        """Both XML formats address the buyer by EAN/GLN or CVR; a private person has neither
        and gets the PDF only."""
        return bool(self.buyer.gln or self.buyer.cvr)

    @property
    def net_total(self) -> Decimal:
        return money(sum((line.net for line in self.lines), Decimal(0)))

    @property
    def vat_total(self) -> Decimal:
        return money(sum((vat for *_rest, vat in self.vat_breakdown()), Decimal(0)))

    @property
    def gross_total(self) -> Decimal:
        return self.net_total + self.vat_total
