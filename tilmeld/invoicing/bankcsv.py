"""Reading a Danish bank's CSV export into lines of (date, text, amount), before anything is
stored: a file that cannot be read whole is refused whole, with the line that failed.

Semicolon-separated, UTF-8 (with or without BOM) or Windows-1252. Columns date, text, amount in
that order, or in any order under a header naming them (»Dato;Tekst;Beløb;Saldo«); other
columns are ignored. Dates dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd; amounts "2.493,75",
"2493,75" or "2493.75" (at most two decimals, so "2.493" is 2493 kr.)."""

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from tilmeld.invoicing.exceptions import InvoicingError

DATE_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"]
DANISH_AMOUNT = re.compile(r"[+-]?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]{1,2})?")
PLAIN_AMOUNT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]{1,2})?")
HEADERS = {
    "date": {"dato", "date", "bogføringsdato", "bogført"},
    "text": {"tekst", "text", "beskrivelse", "description"},
    "amount": {"beløb", "amount"},
}
TEXT_LENGTH = 300  # Payment.reference


@dataclass(frozen=True)
class BankLine:
    line: int
    paid_on: dt.date
    text: str
    amount: Decimal


def clean_text(value: str, length: int = TEXT_LENGTH) -> str:
    """One line of printable text: control characters (NUL, newlines) become spaces."""
    printable = "".join(" " if unicodedata.category(c) in {"Cc", "Cf"} else c for c in value)
    return " ".join(printable.split())[:length]


def parse_date(value: str) -> dt.date | None:
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value.strip(), date_format).date()
        except ValueError:
            continue
    return None


def parse_amount(value: str) -> Decimal | None:
    compact = value.replace(" ", "").replace("\u00a0", "")
    if DANISH_AMOUNT.fullmatch(compact):
        return Decimal(compact.replace(".", "").replace(",", "."))
    if PLAIN_AMOUNT.fullmatch(compact):
        return Decimal(compact)
    return None


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvoicingError(_("The file is not text in UTF-8 or Windows-1252."), code="encoding")


def _columns(header: list[str]) -> dict[str, int] | None:
    names = [cell.strip().casefold() for cell in header]
    found = {}
    for column, accepted in HEADERS.items():
        matches = [index for index, name in enumerate(names) if name in accepted]
        if not matches:
            return None
        found[column] = matches[0]
    return found


def read_bank_csv(data: bytes) -> list[BankLine]:
    """Every line of the export, or InvoicingError naming the first line that is not a payment."""
    if not data.strip():
        raise InvoicingError(_("The file is empty."), code="empty")
    reader = csv.reader(io.StringIO(_decode(data), newline=""), delimiter=";")
    columns, lines = None, []
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                columns = {"date": 0, "text": 1, "amount": 2}
                if parse_date(row[0]) is None:
                    columns = _columns(row)
                    if columns is None:
                        raise InvoicingError(
                            _(
                                "The file needs the columns date, text and amount, separated by"
                                " semicolons."
                            ),
                            code="columns",
                        )
                    continue
            lines.append(_line(row, reader.line_num, columns))
    except csv.Error as error:
        raise InvoicingError(
            _("Line %(line)s cannot be read as CSV.") % {"line": reader.line_num}, code="csv"
        ) from error
    return lines


def _line(row: list[str], number: int, columns: dict[str, int]) -> BankLine:
    if len(row) <= max(columns.values()):
        raise InvoicingError(
            _("Line %(line)s lacks a date, a text or an amount.") % {"line": number},
            code="columns",
        )
    paid_on = parse_date(row[columns["date"]])
    if paid_on is None:
        raise InvoicingError(
            _("Line %(line)s: »%(value)s« is not a date (dd-mm-yyyy or yyyy-mm-dd).")
            % {"line": number, "value": clean_text(row[columns["date"]], 30)},
            code="date",
        )
    amount = parse_amount(row[columns["amount"]])
    if amount is None:
        raise InvoicingError(
            _("Line %(line)s: »%(value)s« is not an amount.")
            % {"line": number, "value": clean_text(row[columns["amount"]], 30)},
            code="amount",
        )
    return BankLine(number, paid_on, clean_text(row[columns["text"]]), amount)
