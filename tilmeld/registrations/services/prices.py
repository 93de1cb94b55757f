"""What a booking's participants pay: decided before the seat lock from the event's prices
(pricing.rules), checked against the prices' limits under it, stored with the participants.
Staff change a price here too; invoicing follows through registrations.signals."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from tilmeld.core import rows
from tilmeld.events.models import Event
from tilmeld.pricing import rules as pricing
from tilmeld.pricing.models import LARGEST_PRICE, MemberOrganisation, Option, Price
from tilmeld.registrations import payers, signals
from tilmeld.registrations.enums import ACTIVE_STATUSES, ChangeAction, Membership
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Participant, ParticipantOption, Payer
from tilmeld.registrations.payers import PayerData
from tilmeld.registrations.services import history


@dataclass
class Priced:
    """Per person: the price and its amount, and the options with theirs; and the payer."""

    prices: list[Price | None] = field(default_factory=list)
    amounts: list[Decimal | None] = field(default_factory=list)
    options: list[list[tuple[Option, Decimal]]] = field(default_factory=list)
    payer: Payer | None = None

    @property
    def limited(self) -> bool:
        return any(p is not None and p.limit is not None for p in self.prices) or any(
            o.limit is not None for chosen in self.options for o, _a in chosen
        )


NOTHING = Priced()


def _is_staff(by) -> bool:
    return by is not None and by.is_staff


def decide(
    event: Event,
    people,
    *,
    booker_email: str,
    payer: PayerData | None,
    catalogue: pricing.Catalogue,
    by=None,
    now=None,
    has_payer: bool = False,
) -> Priced:
    """Refuses (RegistrationError, with the form field) a price or option not of the event, a
    members-only price without a member organisation that is a member on the event's day, and a
    missing or wrong payer. A members-only price is granted when the booker picked a member or
    an address's domain is a member's; else it is stored as claimed, for staff to approve."""
    if not catalogue:
        return NOTHING
    priced = Priced()
    for person in people:
        price = catalogue.price(person.price_id) if person.price_id is not None else None
        if price is None and person.price_id is None and len(catalogue.prices) == 1:
            price = catalogue.prices[0]
        if price is None and catalogue.prices:
            raise RegistrationError(
                _("Choose a price for each participant."), code="price", field="price"
            )
        chosen = []
        for option_id in dict.fromkeys(person.options):
            option = catalogue.option(option_id)
            if option is None:
                raise RegistrationError(
                    _("This option is not offered."), code="option", field="options"
                )
            chosen.append((option, option.amount))
        priced.prices.append(price)
        priced.amounts.append(pricing.amount(price, now) if price is not None else None)
        priced.options.append(chosen)
    to_pay = any(priced.amounts) or any(a for chosen in priced.options for _o, a in chosen)
    if payer is None:
        if to_pay and not has_payer and not _is_staff(by):
            raise RegistrationError(_("Choose who pays."), code="payer", field="payer_kind")
        return priced
    if problems := payers.problems(payer):
        name, message = next(iter(problems.items()))
        error = RegistrationError(message, code="payer", field=f"payer_{name}")
        error.problems = {f"payer_{key}": value for key, value in problems.items()}  # all
        raise error
    members_only = any(p is not None and p.members_only for p in priced.prices)
    organisation, membership = _membership(
        event, payer, [booker_email, *(p.email for p in people)], members_only, by=by
    )
    priced.payer = Payer(
        kind=payer.kind,
        name=payer.name,
        gln=payer.gln,
        cvr=payer.cvr,
        order_reference=payer.order_reference,
        person_reference=payer.person_reference,
        street=payer.street,
        postcode=payer.postcode,
        city=payer.city,
        email=payer.email or booker_email,
        member_organisation=organisation,
        membership=membership,
    )
    return priced


def _membership(event, payer: PayerData, emails, members_only: bool, *, by=None):
    day = pricing.member_day(event)
    organisation = None
    if payer.member_organisation_id is not None:
        organisation = MemberOrganisation.objects.filter(pk=payer.member_organisation_id).first()
        if organisation is None or not organisation.is_member_on(day):
            raise RegistrationError(
                _("This organisation is not a member on the day of the event."),
                code="membership",
                field="payer_member_organisation",
            )
    if not members_only:
        return organisation, Membership.NONE
    if organisation is None:
        organisation = pricing.member_by_domain(emails, day)
    if organisation is not None:
        return organisation, Membership.VERIFIED
    return None, Membership.APPROVED if _is_staff(by) else Membership.CLAIMED


def apply(priced: Priced, participants: list[Participant]) -> None:
    """Puts the decided prices on the unsaved participants."""
    for participant, price, amount in zip(
        participants, priced.prices, priced.amounts, strict=False
    ):
        participant.price = price
        participant.price_amount = amount


def check_limits(event: Event, priced: Priced, participants: list[Participant]) -> None:
    """Under the seat lock: a price or option with a limit has room for those getting a seat or
    a place in line now. Queries only when a chosen price or option has a limit."""
    if not priced.limited:
        return
    prices = {p.pk: p for p in priced.prices if p is not None and p.limit is not None}
    options = {o.pk: o for chosen in priced.options for o, _a in chosen if o.limit is not None}
    taken = dict(
        Participant.objects.filter(price_id__in=prices, status__in=ACTIVE_STATUSES)
        .values_list("price_id")
        .annotate(n=Count("id"))
    )
    chosen_options = dict(
        ParticipantOption.objects.filter(
            option_id__in=options, participant__status__in=ACTIVE_STATUSES
        )
        .values_list("option_id")
        .annotate(n=Count("id"))
    )
    for price in prices.values():
        wanted = sum(1 for p in priced.prices if p is not None and p.pk == price.pk)
        if taken.get(price.pk, 0) + wanted > price.limit:
            raise RegistrationError(
                _("No more seats at the price »%(name)s«. Please choose another.")
                % {"name": price.name},
                code="price_full",
                field="price",
            )
    for option in options.values():
        wanted = sum(1 for chosen in priced.options for o, _a in chosen if o.pk == option.pk)
        if chosen_options.get(option.pk, 0) + wanted > option.limit:
            raise RegistrationError(
                _("»%(name)s« is fully booked.") % {"name": option.name},
                code="option_full",
                field="options",
            )


def store(booking, priced: Priced, participants: list[Participant]) -> None:
    """Stores the options and the payer of a new booking (held back in the open rows.batch)."""
    rows.insert(
        [
            ParticipantOption(participant=participant, option=option, amount=amount)
            for participant, chosen in zip(participants, priced.options, strict=False)
            for option, amount in chosen
        ],
        keys=False,
    )
    if priced.payer is not None:
        priced.payer.booking = booking
        rows.insert([priced.payer], keys=False)


def carry_over(old: Participant, new: Participant) -> None:
    """A substitute takes over the seat as it was paid for: the price and the options."""
    new.price_id, new.price_amount = old.price_id, old.price_amount
    new.save(update_fields=["price", "price_amount"])
    ParticipantOption.objects.bulk_create(
        ParticipantOption(participant=new, option_id=c.option_id, amount=c.amount)
        for c in old.chosen_options.all()
    )


def change_price(
    participant: Participant,
    *,
    price: Price | None,
    amount: Decimal | None,
    options: list[Option] | None = None,
    by,
) -> Participant:
    """Staff set what a participant pays: another price or amount, other options. What was
    already invoiced is credited and invoiced anew (invoicing settles the booking)."""
    if price is not None and price.event_id != participant.event_id:
        raise RegistrationError(_("This price belongs to another event."), field="price")
    if amount is not None and not (Decimal(0) <= amount <= LARGEST_PRICE):
        raise RegistrationError(_("A price must be between 0 and 1.000.000,00 kr."), field="amount")
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        before = [participant.price_id, str(participant.price_amount)]
        participant.price = price
        participant.price_amount = (
            amount if amount is not None else (price.amount if price is not None else None)
        )
        participant.save(update_fields=["price", "price_amount", "updated_at"])
        changes = {"price": [before[1], str(participant.price_amount)]}
        if options is not None:
            if any(o.event_id != participant.event_id for o in options):
                raise RegistrationError(_("This option is not offered."), field="options")
            kept = {c.option_id: c for c in participant.chosen_options.all()}
            wanted = {o.pk: o for o in options}
            participant.chosen_options.exclude(option_id__in=wanted).delete()
            ParticipantOption.objects.bulk_create(
                ParticipantOption(participant=participant, option=o, amount=o.amount)
                for pk, o in wanted.items()
                if pk not in kept
            )
            changes["options"] = [
                ", ".join(str(c.option) for c in kept.values()),
                ", ".join(str(o) for o in options),
            ]
        history.record(participant, ChangeAction.PRICE_CHANGED, by=by, changes=changes)
        signals.changed(participant.booking_id, participant.event, priced=True)
    return participant


def approve_membership(payer: Payer, *, by) -> None:
    """Staff confirm a claimed member price; the booking is invoiced."""
    with transaction.atomic():
        payer = Payer.objects.select_for_update().select_related("booking__event").get(pk=payer.pk)
        if payer.membership != Membership.CLAIMED:
            return
        payer.membership = Membership.APPROVED
        payer.save(update_fields=["membership"])
        signals.changed(payer.booking_id, payer.booking.event, priced=True)
