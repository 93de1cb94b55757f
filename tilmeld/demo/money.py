"""Demo money: member organisations, the conference's prices and dinner, and bookings paid by
municipalities at their EAN numbers, some invoiced, one paid, one credited, one member price
waiting for staff to approve it."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tilmeld.core.dates import local
from tilmeld.demo.participants import forget_mails
from tilmeld.events.models import Event
from tilmeld.invoicing import billing
from tilmeld.invoicing.models import Invoice
from tilmeld.invoicing.payments import record_payment
from tilmeld.mail.models import OutboxMessage
from tilmeld.pricing.models import MemberOrganisation, Option, Price
from tilmeld.registrations.payers import PayerData
from tilmeld.registrations.services.changes import cancel_registration

# Fictitious numbers with valid check digits (CVR modulus 11, EAN GS1), never real ones.
MEMBERS = [
    ("Aarhus Kommunes Biblioteker", "34567875", "5798000000018", "aarhus-demo.dk"),
    ("Odense Bibliotekerne", "34567948", "5798000000025", "odense-demo.dk"),
    ("Roskilde Bibliotekerne", "34568014", "5798000000032", "roskilde-demo.dk"),
    ("Gentofte Bibliotekerne", "34568081", "5798000000049", "gentofte-demo.dk"),
    ("Tårnby Kommunebiblioteker", "34568154", "5798000000056", "taarnby-demo.dk"),
    ("Vejle Bibliotekerne", "34568227", "5798000000063", "vejle-demo.dk"),
    ("Silkeborg Bibliotekerne", "34568294", "5798000000070", "silkeborg-demo.dk"),
    ("Herning Bibliotekerne", "34568367", "5798000000087", "herning-demo.dk"),
]
ADDRESS = {
    "Aarhus Kommunes Biblioteker": ("Hack Kampmanns Plads 2", "8000", "Aarhus C"),
    "Odense Bibliotekerne": ("Østre Stationsvej 15", "5000", "Odense C"),
    "Roskilde Bibliotekerne": ("Dronning Margrethes Vej 14", "4000", "Roskilde"),
    "Gentofte Bibliotekerne": ("Ahlmanns Allé 6", "2900", "Hellerup"),
    "Tårnby Kommunebiblioteker": ("Kamillevej 10", "2770", "Kastrup"),
    "Vejle Bibliotekerne": ("Willy Sørensens Plads 1", "7100", "Vejle"),
    "Silkeborg Bibliotekerne": ("Hostrupsgade 41", "8600", "Silkeborg"),
    "Herning Bibliotekerne": ("Brændgårdvej 1", "7400", "Herning"),
}


def members() -> dict[str, MemberOrganisation]:
    result = {}
    for name, cvr, ean, domain in MEMBERS:
        result[name], _ = MemberOrganisation.objects.update_or_create(
            name=name,
            defaults={
                "cvr": cvr,
                "ean_numbers": ean,
                "email_domains": domain,
                "member_from": dt.date(2015, 1, 1),
            },
        )
    return result


def conference_prices(event: Event) -> None:
    """Member and non-member prices with an early-bird, a student price with a limit, and the
    dinner, VAT included."""
    early_until = local(event.starts_at).date() - dt.timedelta(days=30)
    rows = [
        ("Medlem", "Member", "1995.00", "1595.00", True, None),
        ("Ikke-medlem", "Non-member", "2795.00", "2395.00", False, None),
        ("Studerende", "Student", "500.00", None, False, 10),
    ]
    for position, (da, en, amount, early, members_only, limit) in enumerate(rows):
        Price.objects.update_or_create(
            event=event,
            name_da=da,
            defaults={
                "name_en": en,
                "amount": Decimal(amount),
                "early_amount": Decimal(early) if early else None,
                "early_until": early_until if early else None,
                "members_only": members_only,
                "limit": limit,
                "position": position,
            },
        )
    Option.objects.update_or_create(
        event=event,
        name_da="Festmiddag om aftenen",
        defaults={"name_en": "Conference dinner", "amount": Decimal("350.00"), "limit": 100},
    )
    event.vat_mode = "included"
    event.save(update_fields=["vat_mode"])


def workshop_price(event: Event) -> None:
    """An exempt event: the legal basis goes on its invoices."""
    Price.objects.update_or_create(
        event=event,
        name_da="Deltagelse",
        defaults={"name_en": "Participation", "amount": Decimal("450.00")},
    )
    event.vat_mode = "exempt"
    event.vat_exemption_reason = "Momsfritaget, jf. momslovens § 13, stk. 1, nr. 3"
    event.save(update_fields=["vat_mode", "vat_exemption_reason"])


def payer_for(event: Event, organisations: dict[str, MemberOrganisation]):
    """For participants.fill: per booking, the prices its people choose and who pays. Most are
    member libraries paying at their EAN number (the member price, verified by the pick); a
    few pay as a company or personally at the non-member price; one booking claims the member
    price without a member organisation, for staff to approve."""
    prices = {p.name_da: p for p in Price.objects.filter(event=event)}
    dinner = Option.objects.get(event=event, name_da="Festmiddag om aftenen")

    def choose(number: int, people) -> PayerData:
        library = people[0].organisation
        member = organisations.get(library)
        for index, person in enumerate(people):
            person.options = [dinner.pk] if (number + index) % 3 else []
        if number == 7:  # claims the member price, unverified
            for person in people:
                person.price_id = prices["Medlem"].pk
            return PayerData(
                kind="company",
                name="Bogbussen ApS",
                cvr="34568502",
                person_reference=people[0].name,
                street="Industrivej 4",
                postcode="5000",
                city="Odense C",
            )
        if member is None or number % 6 == 5:
            for person in people:
                person.price_id = prices["Ikke-medlem"].pk
            if number % 2:
                return PayerData(
                    kind="person",
                    name=people[0].name,
                    street="Bibliotekstorvet 3",
                    postcode="6700",
                    city="Esbjerg",
                )
            return PayerData(
                kind="public",
                name=library,
                gln="5798000000094",
                order_reference=f"IND-{2000 + number}",
                person_reference=people[0].name,
            )
        for person in people:
            person.price_id = prices["Medlem"].pk
        street, postcode, city = ADDRESS[library]
        return PayerData(
            kind="public",
            name=library,
            gln=member.eans[0],
            order_reference=f"PO-{4700 + number}" if number % 2 else "",
            person_reference=people[0].name,
            street=street,
            postcode=postcode,
            city=city,
            member_organisation_id=member.pk,
        )

    return choose


def invoice(event: Event, *, by) -> None:
    """Issues the bookings' invoices now (the worker would within a minute), records one
    payment, and credits one participant who cancelled before the binding date."""
    if Invoice.objects.filter(booking__event=event).exists():
        return
    bookings = list(event.bookings.order_by("pk"))
    for booking in bookings:
        billing.settle(booking, by=by)
    first = Invoice.objects.filter(booking__event=event, kind="invoice").order_by("pk").first()
    if first is not None:
        record_payment(first, first.gross, paid_on=timezone.localdate(), by=by, reference="Demo")
    group = next(
        (b for b in bookings if b.participants.count() == 3 and b.payer.kind == "public"), None
    )
    if group is not None:
        cancel_registration(
            group.participants.order_by("pk").last(), by=by, reason="Demo: forhindret / unable"
        )
        billing.settle(group, by=by)
    # Their mails were "sent" long ago: only what happens after loading gets printed.
    forget_mails(OutboxMessage.objects.filter(reference__startswith="invoice:"))
