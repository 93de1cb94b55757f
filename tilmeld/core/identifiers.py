"""The numbers a payer is known by: EAN/GLN location numbers and CVR numbers (here in core:
the booking form asks for them, and invoicing writes them).

Check digits come from python-stdnum (GS1 for EAN, modulus 11 for CVR); this module adds what
Danish e-invoicing asks on top (a public body's location number has 13 digits and starts with 57)
and says what is wrong in words a bookkeeper understands, in Danish and English."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean
from stdnum.dk import cvr
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError


def clean_gln(value: str) -> str:
    """A 13-digit EAN/GLN location number of a Danish public body, spaces and dashes removed.
    python-stdnum accepts 8, 12 and 14 digits too: those are no location numbers."""
    number = ean.compact(value or "").replace("-", "")
    if not number.isdigit() or len(number) != 13:
        raise ValidationError(_("An EAN location number has 13 digits."), code="gln_length")
    if not number.startswith("57"):
        raise ValidationError(_("A Danish EAN location number starts with 57."), code="gln_prefix")
    try:
        ean.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("The EAN number's last digit does not match the others. Please check the number."),
            code="gln_checksum",
        ) from None
    return number


def clean_cvr(value: str) -> str:
    """An 8-digit CVR number, with "DK", spaces and dashes removed."""
    number = cvr.compact(value or "").replace("-", "")
    if not number.isdigit() or len(number) != 8:
        raise ValidationError(_("A CVR number has 8 digits."), code="cvr_length")
    try:
        cvr.validate(number)
    except StdnumError:
        raise ValidationError(
            _("This is not a valid CVR number. Please check it."), code="cvr_checksum"
        ) from None
    return number
