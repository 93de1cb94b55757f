"""The rules of prices: which amount applies, who is a member, and what a line costs before VAT.

Every way in (the booking form, the admin, the API) asks here; the registration service stores
what this module decided, and invoicing turns it into lines."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from tilmeld.core.dates import local
from tilmeld.core.money import money
from tilmeld.events.enums import VatMode
from tilmeld.events.models import Event
from tilmeld.pricing.models import MemberOrganisation, Option, Price

VAT_PERCENT = Decimal("25")


@dataclass(frozen=True)
class Catalogue:
    """An event's prices and options, as the forms and the booking service need them."""

    prices: tuple[Price, ...] = ()
    options: tuple[Option, ...] = ()
    # What is worked out from them once, e.g. the form's labels per language (see `kept`): the
    # public form keeps its catalogue for two seconds (registrations.event_cache).
    _kept: dict = field(default_factory=dict, compare=False, repr=False)

    def kept(self, key, make):
        if key not in self._kept:
            self._kept[key] = make()
        return self._kept[key]

    def __bool__(self):
        return bool(self.prices or self.options)

    def price(self, price_id) -> Price | None:
        return next((p for p in self.prices if p.pk == price_id), None)

    def option(self, option_id) -> Option | None:
        return next((o for o in self.options if o.pk == option_id), None)


def catalogue(event: Event) -> Catalogue:
    return Catalogue(
        tuple(Price.objects.filter(event=event)), tuple(Option.objects.filter(event=event))
    )


def today(now=None) -> dt.date:
    return local(now or timezone.now()).date()


def is_early(price: Price, now=None) -> bool:
    return price.early_until is not None and today(now) <= price.early_until


def amount(price: Price, now=None) -> Decimal:
    """What the price costs when registering now: the early-bird amount up to and including its
    last day (in Danish time), else the normal one."""
    return price.early_amount if is_early(price, now) else price.amount


def member_day(event: Event) -> dt.date:
    """Membership counts on the day the event starts."""
    return local(event.starts_at).date()


def member_by_domain(emails, day: dt.date) -> MemberOrganisation | None:
    """The member organisation, valid on `day`, that one of `emails` belongs to by its domain."""
    domains = {e.rsplit("@", 1)[-1].lower() for e in emails if "@" in e}
    if not domains:
        return None
    query = Q()
    for domain in domains:
        query |= Q(email_domains__icontains=domain)
    for organisation in MemberOrganisation.objects.filter(query):
        if domains & set(organisation.domains) and organisation.is_member_on(day):
            return organisation
    return None


def find_member(text: str) -> MemberOrganisation | None:
    """The member organisation a booker named in the form: by its name (any case), or by a CVR
    number only one member has."""
    text = (text or "").strip()
    if not text:
        return None
    by_name = MemberOrganisation.objects.filter(name__iexact=text).first()
    if by_name is not None:
        return by_name
    # A municipality's libraries may share its CVR number: only a number naming one counts.
    by_cvr = list(MemberOrganisation.objects.filter(cvr=text)[:2])
    return by_cvr[0] if len(by_cvr) == 1 else None


def members_on(day: dt.date):
    """The member organisations whose membership covers `day`, for the form's list."""
    return MemberOrganisation.objects.filter(
        Q(member_from__isnull=True) | Q(member_from__lte=day),
        Q(member_until__isnull=True) | Q(member_until__gte=day),
    )


@dataclass(frozen=True)
class LineAmount:
    """An amount as an invoice line carries it: the unit price excluding VAT, and the VAT."""

    unit_net: Decimal
    exempt: bool
    percent: Decimal


def line_amount(event: Event, entered: Decimal) -> LineAmount:
    """`entered` is what staff typed: with VAT, without VAT, or exempt (event.vat_mode). A price
    entered with VAT is divided by 1.25 and rounded to øre once (core.money)."""
    if event.vat_mode == VatMode.EXEMPT:
        return LineAmount(money(entered), True, Decimal(0))
    if event.vat_mode == VatMode.INCLUDED:
        return LineAmount(money(entered * 100 / (100 + VAT_PERCENT)), False, VAT_PERCENT)
    return LineAmount(money(entered), False, VAT_PERCENT)


def with_vat(event: Event, entered: Decimal) -> Decimal:
    """What the payer pays for `entered` in all."""
    line = line_amount(event, entered)
    return money(line.unit_net * (100 + line.percent) / 100)
