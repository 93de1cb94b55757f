"""The register of member organisations, imported from a spreadsheet (CSV or XLSX) by staff:
the admin's "Import members" page and `tilmeld import_members FILE` both call import_members.

Columns by their header, in English or Danish and in any order: name/navn, CVR, EAN (several
separated by commas, spaces or line breaks), e-mail domains/domæner, member from/medlem fra and
member until/medlem til (2026-01-31, 31-01-2026 or 31.01.2026). A row updates the organisation
with its CVR number, else the one with its name, else creates one. Every row is checked before
anything is stored, and a file with any row in error stores nothing: staff correct the rows the
report names and import the whole file again."""

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilmeld.core.text import single_line
from tilmeld.pricing.models import MemberOrganisation

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
HEADERS = {
    "name": {"name", "navn", "organisation", "medlem", "member"},
    "cvr": {"cvr", "cvr-nummer", "cvr-nr", "cvr-nr.", "cvr number"},
    "ean_numbers": {"ean", "ean-numre", "ean-nummer", "ean numbers", "ean number", "gln"},
    "email_domains": {
        "domæner",
        "domæne",
        "e-mail-domæner",
        "mail-domæner",
        "domains",
        "domain",
        "e-mail domains",
        "email domains",
    },
    "member_from": {"medlem fra", "member from", "fra", "from"},
    "member_until": {"medlem til", "member until", "til", "until", "to"},
}
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"]
SEPARATORS = re.compile(r"[\s,;]+")


class ImportRefused(Exception):
    """The file as a whole cannot be read. The message is translated and safe to show."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    message: str

    def __str__(self):
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    """What the import did. With any error nothing is stored: created and updated are 0."""

    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def summary(self) -> str:
        rows = len({error.row for error in self.errors})
        errors = ngettext("%(count)d row with errors", "%(count)d rows with errors", rows) % {
            "count": rows
        }
        return _("%(created)d created, %(updated)d updated, %(errors)s.") % {
            "created": self.created,
            "updated": self.updated,
            "errors": errors,
        }


def _normalise(header) -> str:
    return " ".join(str(header or "").replace("_", " ").strip().rstrip(":").casefold().split())


def _columns(header: list) -> dict[str, int]:
    names = [_normalise(cell) for cell in header]
    found = {}
    for column, accepted in HEADERS.items():
        for index, name in enumerate(names):
            if name in accepted and column not in found:
                found[column] = index
    if "name" not in found:
        raise ImportRefused(
            _("The first row must name the columns, among them »name« (or »navn«).")
        )
    return found


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRefused(_("The file is not text in UTF-8 or Windows-1252."))


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    text = _decode(data)
    first = text.split("\n", 1)[0]
    # Danish Excel writes semicolons; others commas or tabs. The header row decides.
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        # Numbered as a spreadsheet numbers its rows: a cell with line breaks is one row.
        for number, row in enumerate(reader, start=1):
            rows.append((number, row))
    except csv.Error as error:
        raise ImportRefused(
            _("Line %(line)s cannot be read as CSV.") % {"line": reader.line_num}
        ) from error
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused(_("The file cannot be read as an Excel workbook (.xlsx).")) from error
    try:
        sheet = workbook.worksheets[0]
        return [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()


def read_rows(data: bytes) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """(columns, [(row number, cells)]) of the file's first sheet; empty rows left out."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("The file is larger than 5 MB."))
    if not data.strip():
        raise ImportRefused(_("The file is empty."))
    rows = _xlsx_rows(data) if data.startswith(b"PK\x03\x04") else _csv_rows(data)
    rows = [(number, cells) for number, cells in rows if any(_text(c) for c in cells)]
    if not rows:
        raise ImportRefused(_("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise ImportRefused(_("The file has more than %(count)d rows.") % {"count": MAX_ROWS})
    (_header_number, header), *body = rows
    return _columns(header), body


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a spreadsheet cell: 29189919.0
    return str(value)


def _list(value) -> str:
    return "\n".join(part for part in SEPARATORS.split(_text(value)) if part)


def _date(value, label: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).strip()
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    raise ValidationError(
        _("%(column)s: »%(value)s« is not a date (31-01-2026 or 2026-01-31).")
        % {"column": label, "value": single_line(text)[:30]}
    )


def _cell(cells: list, columns: dict[str, int], name: str):
    index = columns.get(name)
    return cells[index] if index is not None and index < len(cells) else None


def _messages(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return error.messages
    labels = {f.name: f.verbose_name for f in MemberOrganisation._meta.fields}
    return [
        f"{labels.get(name, name)}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _existing(cvr: str, name: str) -> MemberOrganisation | None:
    if cvr and (found := MemberOrganisation.objects.filter(cvr=cvr).order_by("pk").first()):
        return found
    return MemberOrganisation.objects.filter(name__iexact=name).order_by("pk").first()


def _organisation(number: int, cells: list, columns: dict, seen: dict) -> MemberOrganisation:
    """The row as an organisation, new or on record, checked as the admin form checks it
    (unsaved). `seen` holds the CVR numbers and names of the rows before it."""
    name = single_line(_text(_cell(cells, columns, "name")))
    if not name:
        raise ValidationError(_("The name is missing."))
    values = {
        "name": name,
        "cvr": single_line(_text(_cell(cells, columns, "cvr"))),
        "ean_numbers": _list(_cell(cells, columns, "ean_numbers")),
        "email_domains": _list(_cell(cells, columns, "email_domains")),
    }
    errors = []
    for column in ("member_from", "member_until"):
        try:
            values[column] = _date(_cell(cells, columns, column), _label(column))
        except ValidationError as error:
            errors += error.messages
    candidate = MemberOrganisation(**values)
    try:
        candidate.clean()  # cleans the CVR number, the EAN numbers and the domains in place
    except ValidationError as error:
        errors += _messages(error)
    if errors:
        raise ValidationError(errors)
    for key, text in (("cvr", candidate.cvr), ("name", name.casefold())):
        if text and (key, text) in seen:
            raise ValidationError(
                _("The same %(column)s as row %(row)d.")
                % {"column": _label(key), "row": seen[key, text]}
            )
        if text:
            seen[key, text] = number
    organisation = _existing(candidate.cvr, name) or candidate
    for column in ("name", "ean_numbers", "email_domains", "member_from", "member_until"):
        setattr(organisation, column, getattr(candidate, column))
    if candidate.cvr:  # a row without a CVR number keeps the one on record
        organisation.cvr = candidate.cvr
    try:
        organisation.full_clean(exclude=["created_at", "updated_at"])
    except ValidationError as error:
        raise ValidationError(_messages(error)) from error
    return organisation


def _label(column: str) -> str:
    return str(MemberOrganisation._meta.get_field(column).verbose_name)


def import_members(data: bytes) -> ImportReport:
    """Creates and updates member organisations from the file (see the module), in one
    transaction. Refuses a file it cannot read (ImportRefused) before anything is stored."""
    columns, rows = read_rows(data)
    report = ImportReport()
    with transaction.atomic():
        seen: dict = {}
        checked = []
        for number, cells in rows:
            try:
                checked.append(_organisation(number, cells, columns, seen))
            except ValidationError as error:
                report.errors += [RowError(number, message) for message in error.messages]
        if report.errors:
            return report
        for organisation in checked:
            if organisation.pk is None:
                report.created += 1
            else:
                report.updated += 1
            organisation.save()
    return report
