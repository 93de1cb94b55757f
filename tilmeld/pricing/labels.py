"""A price or an option as one line of text, e.g. in a form's choices and on the event page,
and the words for how an event's amounts include VAT."""

from django.utils import formats
from django.utils.translation import gettext as _

from tilmeld.core.money import money_text
from tilmeld.events.enums import VatMode
from tilmeld.pricing import rules


def price_label(price, now=None) -> str:
    """ "Medlem – 1.495,00 kr. until 31 March 2027, then 1.995,00 kr. (members only)"."""
    if rules.is_early(price, now):
        label = _("%(name)s – %(amount)s until %(date)s, then %(normal)s") % {
            "name": price.name,
            "amount": money_text(price.early_amount),
            "date": formats.date_format(price.early_until, "DATE_FORMAT"),
            "normal": money_text(price.amount),
        }
    else:
        label = _("%(name)s – %(amount)s") % {
            "name": price.name,
            "amount": money_text(price.amount),
        }
    if price.members_only:
        label = _("%(price)s (members only)") % {"price": label}
    return label


def option_label(option) -> str:
    return _("%(name)s – %(amount)s") % {"name": option.name, "amount": money_text(option.amount)}


def vat_note(event) -> str:
    """How an event's amounts are given: "incl. VAT", "excl. VAT" or "exempt from VAT"."""
    return {
        VatMode.INCLUDED: _("incl. VAT"),
        VatMode.EXCLUDED: _("excl. VAT"),
        VatMode.EXEMPT: _("exempt from VAT"),
    }.get(event.vat_mode, "")


def vat_sentence(event) -> str:
    """The sentence under a list of the event's prices."""
    return {
        VatMode.INCLUDED: _("Prices include VAT."),
        VatMode.EXCLUDED: _("Prices exclude VAT: 25 % VAT is added."),
        VatMode.EXEMPT: _("The event is exempt from VAT."),
    }.get(event.vat_mode, "")
