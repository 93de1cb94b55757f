"""The booking form's money fields: each participant's price and options, and who pays.

Only fields, their wording and where a message goes live here; which price applies is
pricing.rules', and what a payer must give is registrations.payers' (the form shows its
messages next to the fields)."""

import copy
from functools import cache

from django import forms
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from tilmeld.core.fields import SingleLineEmailField, SingleLineField
from tilmeld.pricing import rules as pricing
from tilmeld.pricing.labels import option_label, price_label
from tilmeld.registrations import payers
from tilmeld.registrations.enums import PayerKind
from tilmeld.registrations.payers import LIMITS, PayerData

MEMBERS_LIST_ID = "member-organisations"


def _fresh(field: forms.Field) -> forms.Field:
    """A form's own copy of a field made once: its attributes are the form's to change, its
    widget (never changed per form) is shared. A rush spent a third of the booking form's time
    making these fields anew for every request."""
    return copy.copy(field)


def price_field(catalogue) -> forms.ChoiceField:
    return _fresh(catalogue.kept(("price field", get_language()), lambda: _price_field(catalogue)))


def option_field(catalogue) -> forms.MultipleChoiceField:
    return _fresh(
        catalogue.kept(("option field", get_language()), lambda: _option_field(catalogue))
    )


def _price_field(catalogue) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Price"),
        choices=[(str(p.pk), price_label(p)) for p in catalogue.prices],
        widget=forms.RadioSelect,
        initial=str(catalogue.prices[0].pk) if len(catalogue.prices) == 1 else None,
        error_messages={"required": _("Choose a price.")},
    )


def _option_field(catalogue) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Options"),
        choices=[(str(o.pk), option_label(o)) for o in catalogue.options],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def _text(label, name, *, autocomplete="", help_text="", max_length=None, **attrs):
    field = SingleLineField(
        label=label,
        required=False,
        max_length=max_length or LIMITS.get(name, 50),
        help_text=help_text,
    )
    if autocomplete:
        field.widget.attrs["autocomplete"] = autocomplete
    field.widget.attrs.update(attrs)
    return field


ALL_KINDS = tuple(PayerKind.values)
PUBLIC, COMPANY, PERSON = PayerKind.PUBLIC.value, PayerKind.COMPANY.value, PayerKind.PERSON.value

# The payer's fields and the kinds of payer each is for. A field of another kind than the one
# chosen is hidden (site.css) and neither checked nor kept, as if left empty.
PAYER_KINDS = {
    "name": ALL_KINDS,
    "gln": (PUBLIC, COMPANY),
    "cvr": (COMPANY,),
    "order_reference": (PUBLIC, COMPANY),
    "person_reference": (PUBLIC, COMPANY),
    "street": ALL_KINDS,
    "postcode": ALL_KINDS,
    "city": ALL_KINDS,
    "email": ALL_KINDS,
    "member_organisation": ALL_KINDS,
}


def payer_fields() -> dict[str, forms.Field]:
    """The fields, named payer_<PayerData field>, in the page's order. None is required here:
    what a payer must give depends on its kind, and payers.problems says it."""
    return {name: _fresh(field) for name, field in _payer_fields().items()}


@cache
def _payer_fields() -> dict[str, forms.Field]:
    """Made once per process: their texts are lazy, translated when shown."""
    email = SingleLineEmailField(
        label=gettext_lazy("Invoice e-mail"),
        max_length=LIMITS["email"],
        required=False,
        help_text=gettext_lazy("Optional. Without it, the invoice goes to your own e-mail."),
    )
    email.widget.attrs["autocomplete"] = "billing email"
    return {
        "payer_kind": forms.ChoiceField(
            label=gettext_lazy("Who pays?"),
            choices=PayerKind.choices,
            widget=forms.RadioSelect,
            required=False,
        ),
        "payer_name": _text(
            gettext_lazy("Name on the invoice"),
            "name",
            autocomplete="billing organization",
            help_text=gettext_lazy("E.g. the municipality, the library or your own name."),
        ),
        "payer_gln": _text(
            gettext_lazy("EAN number"),
            "gln",
            max_length=20,
            help_text=gettext_lazy(
                "13 digits, starting with 57. A public body must give it; a company may."
            ),
            inputmode="numeric",
        ),
        "payer_cvr": _text(
            gettext_lazy("CVR number"),
            "cvr",
            max_length=20,
            help_text=gettext_lazy("8 digits."),
            inputmode="numeric",
        ),
        "payer_order_reference": _text(gettext_lazy("Order number"), "order_reference"),
        "payer_person_reference": _text(
            gettext_lazy("Person reference"),
            "person_reference",
            help_text=gettext_lazy(
                "A public body needs an order number or a person reference on the invoice."
            ),
        ),
        "payer_street": _text(
            gettext_lazy("Street and number"), "street", autocomplete="billing address-line1"
        ),
        "payer_postcode": _text(
            gettext_lazy("Postcode"),
            "postcode",
            autocomplete="billing postal-code",
            inputmode="numeric",
        ),
        "payer_city": _text(gettext_lazy("City"), "city", autocomplete="billing address-level2"),
        "payer_email": email,
        "payer_member_organisation": _text(
            gettext_lazy("Member organisation"),
            "member_organisation",
            max_length=300,
            autocomplete="off",
            help_text=gettext_lazy(
                "If you come from a member of the association, type or pick its name: members"
                " get the member price."
            ),
            list=MEMBERS_LIST_ID,
        ),
    }


class PayerFields:
    """For the booking form (with `catalogue` and the fields of payer_fields()): the payer,
    checked in clean()."""

    _payer: PayerData | None = None

    def clean(self):
        cleaned = super().clean()
        if self.catalogue:
            self._payer = self._clean_payer()
        return cleaned

    def _clean_payer(self) -> PayerData | None:
        """The payer as payers.problems checks it, each message next to its field. Without a
        kind there is no payer: the registration service asks for one if anything costs."""
        kind = self.cleaned_data.get("payer_kind")
        if not kind:
            return None
        values = {}
        for name, kinds in PAYER_KINDS.items():
            field = f"payer_{name}"
            if kind in kinds:
                values[name] = self.cleaned_data.get(field) or ""
            else:  # hidden for this kind: as if left empty
                self._errors.pop(field, None)
                self.cleaned_data.pop(field, None)
        member = values.pop("member_organisation")
        organisation = pricing.find_member(member) if member else None
        if member and organisation is None:
            self.add_error(
                "payer_member_organisation",
                _(
                    "We do not know this member organisation. Pick one from the list, or leave"
                    " the field empty."
                ),
            )
        payer = PayerData(
            kind=kind, member_organisation_id=organisation.pk if organisation else None, **values
        )
        for name, message in payers.problems(payer).items():
            field = f"payer_{name}"
            if field not in self._errors:  # a field's own error (too long) says it already
                self.add_error(field if field in self.fields else None, message)
        return payer

    def payer(self) -> PayerData | None:
        """Who pays, cleaned (numbers without spaces); None when no kind was chosen."""
        return self._payer

    def payer_rows(self):
        """(field, the payer kinds it is for) for the page, which hides the others."""
        return [(self[f"payer_{name}"], " ".join(kinds)) for name, kinds in PAYER_KINDS.items()]
