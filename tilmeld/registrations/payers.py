"""Who pays for a booking: what each kind of payer must give, checked in one place for the
booking form, the admin and the API. A public body needs its EAN location number and an order
number or person reference (without them a municipality may send the invoice back); a company
its CVR number; a person an address."""

from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tilmeld.core.identifiers import clean_cvr, clean_gln
from tilmeld.core.text import single_line
from tilmeld.registrations.enums import PayerKind


@dataclass
class PayerData:
    kind: str
    name: str = ""
    gln: str = ""
    cvr: str = ""
    order_reference: str = ""
    person_reference: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    email: str = ""
    member_organisation_id: int | None = None

    def __post_init__(self):
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                setattr(self, f.name, single_line(value))


LIMITS = {
    "name": 300,
    "order_reference": 50,
    "person_reference": 50,
    "street": 200,
    "postcode": 10,
    "city": 100,
    "email": 254,
}


def problems(payer: PayerData) -> dict[str, str]:
    """{field: translated message} for what is missing or wrong; cleans the numbers in place
    (spaces and dashes removed). Empty when the payer can be invoiced."""
    errors: dict[str, str] = {}
    if payer.kind not in PayerKind.values:
        return {"kind": _("Choose who pays.")}
    if not payer.name:
        errors["name"] = _("Give the name to put on the invoice.")
    for name, limit in LIMITS.items():
        if len(getattr(payer, name)) > limit:
            errors[name] = _("At most %(count)d characters.") % {"count": limit}
    if payer.kind == PayerKind.PUBLIC or payer.gln:
        try:
            payer.gln = clean_gln(payer.gln)
        except ValidationError as error:
            errors["gln"] = error.messages[0]
    if payer.kind == PayerKind.PUBLIC and not (payer.order_reference or payer.person_reference):
        errors["order_reference"] = _(
            "A public body needs an order number or a person reference on the invoice."
        )
    if payer.kind == PayerKind.COMPANY or payer.cvr:
        try:
            payer.cvr = clean_cvr(payer.cvr)
        except ValidationError as error:
            errors["cvr"] = error.messages[0]
    if payer.kind == PayerKind.PERSON:
        for name in ("street", "postcode", "city"):
            if not getattr(payer, name):
                errors[name] = _("Give the address to put on the invoice.")
    return errors
