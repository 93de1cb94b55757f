"""The registration form of a priced event: a price and options per participant, who pays for
the booking, and each wrong number told next to its field in Danish and English."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine

from tests.core.pages import local, squeeze, url
from tests.factories import (
    GLN,
    EventFactory,
    MemberOrganisationFactory,
    OptionFactory,
    PriceFactory,
)
from tests.registrations.test_views import errors, form_data, register_url
from tilmeld.registrations.models import Booking, Participant, Payer

pytestmark = pytest.mark.django_db

PUBLIC = {
    "payer_kind": "public",
    "payer_name": "Aarhus Kommune, Hovedbiblioteket",
    "payer_gln": GLN,
    "payer_order_reference": "PO-4711",
    "payer_person_reference": "Hans Hansen",
}


@pytest.fixture
def event(site):
    return EventFactory(title_da="Bibliotekernes årsmøde", capacity=20, max_booking_size=5)


@pytest.fixture
def member(event):
    return PriceFactory(
        event=event, name_da="Medlem", name_en="Member", amount=Decimal("1995.00"), position=1
    )


@pytest.fixture
def other(event):
    return PriceFactory(event=event, amount=Decimal("2795.00"), position=2)


@pytest.fixture
def dinner(event):
    return OptionFactory(event=event)


def priced_data(client, event, **fields):
    data = form_data(client, event, **PUBLIC)
    data.update(fields)
    return data


def stored(booking=None):
    return [
        (p.name, p.price.name_da if p.price else None, p.price_amount, options(p))
        for p in Participant.objects.order_by("id")
    ]


def options(participant):
    return [c.option.name_da for c in participant.chosen_options.order_by("option__position")]


def payer_row():
    payer = Payer.objects.get()
    return {
        "kind": payer.kind,
        "name": payer.name,
        "gln": payer.gln,
        "cvr": payer.cvr,
        "order_reference": payer.order_reference,
        "person_reference": payer.person_reference,
        "street": payer.street,
        "postcode": payer.postcode,
        "city": payer.city,
        "email": payer.email,
        "member_organisation": payer.member_organisation,
        "membership": payer.membership,
    }


def field_error(response, field: str) -> str:
    found = re.search(rf'id="id_{field}_error">([^<]+)<', response.content.decode())
    return found.group(1).strip() if found else ""


def test_each_participant_chooses_a_price_and_options(client, event, member, other, dinner):
    data = priced_data(client, event, price=str(member.pk), options=[str(dinner.pk)], **{
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
        "colleague-0-price": str(other.pk),
    })  # fmt: skip

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert stored() == [
        ("Anne Hansen", "Medlem", Decimal("1995.00"), ["Festmiddag"]),
        ("Bo Berg", "Ikke-medlem", Decimal("2795.00"), []),
    ]
    assert [c.amount for c in Participant.objects.get(name="Anne Hansen").chosen_options.all()] == [
        Decimal("350.00")
    ]


def test_the_page_lists_prices_options_and_the_member_organisations(
    client, event, member, other, dinner
):
    MemberOrganisationFactory(name="Aarhus Kommune")
    MemberOrganisationFactory(name="Udmeldt Kommune", member_until=dt.date(2000, 1, 1))
    PriceFactory(
        event=event, name_da="Studerende", amount=Decimal("500"), members_only=True, position=3
    )

    page = client.get(register_url(event)).content.decode()

    labels = [
        squeeze(label) for label in re.findall(r'<label for="id_price_\d">(.*?)</label>', page)
    ]
    assert labels == [
        "Medlem – 1.995,00 kr.",
        "Ikke-medlem – 2.795,00 kr.",
        "Studerende – 500,00 kr. (kun for medlemmer)",
    ]
    assert re.findall(r'<label for="id_options_\d">(.*?)</label>', page) == [
        "Festmiddag – 350,00 kr."
    ]
    assert re.findall(r'<datalist id="member-organisations">(.*?)</datalist>', page) == [
        '<option value="Aarhus Kommune"></option>'
    ]
    assert 'list="member-organisations"' in page
    assert squeeze(re.search(r'<p class="price-note">(.*?)</p>', page).group(1)) == (
        "Priserne er inkl. moms."
    )


def test_a_free_event_shows_no_price_and_no_payer(client, site):
    event = EventFactory()

    page = client.get(register_url(event)).content.decode()

    assert 'name="price"' not in page
    assert 'name="payer_kind"' not in page
    assert "Hvem betaler?" not in page


def early_bird(event):
    return PriceFactory(
        event=event,
        name_da="Medlem",
        amount=Decimal("1995.00"),
        early_amount=Decimal("1495.00"),
        early_until=dt.date(2027, 3, 31),
    )


@pytest.mark.parametrize(
    ("moment", "amount", "label"),
    [
        (
            local(2027, 3, 31, 23, 59),
            Decimal("1495.00"),
            "Medlem – 1.495,00 kr. til og med 31. marts 2027, derefter 1.995,00 kr.",
        ),
        (local(2027, 4, 1, 0, 1), Decimal("1995.00"), "Medlem – 1.995,00 kr."),
    ],
    ids=["last-early-day", "day-after"],
)
def test_the_early_bird_price_applies_until_its_last_day(client, site, moment, amount, label):
    with time_machine.travel(local(2027, 3, 20, 12), tick=False):  # starts 19 April
        event = EventFactory()
    price = early_bird(event)

    with time_machine.travel(moment, tick=False):
        page = client.get(register_url(event)).content.decode()
        response = client.post(register_url(event), priced_data(client, event, price=price.pk))

    assert squeeze(re.search(r'<label for="id_price_0">(.*?)</label>', page).group(1)) == label
    assert response.status_code == 302
    assert Participant.objects.get().price_amount == amount


COMPANY = {
    "payer_kind": "company",
    "payer_name": "Bibliotekskonsulenterne ApS",
    "payer_cvr": "DK 2918 9919",
    "payer_gln": "",
    "payer_order_reference": "",
    "payer_person_reference": "Indkøb",
    "payer_email": "bogholderi@example.org",
}
PERSON = {
    "payer_kind": "person",
    "payer_name": "Anne Hansen",
    "payer_street": "Nørregade 1, 2. th.",
    "payer_postcode": "7100",
    "payer_city": "Vejle",
    # typed before choosing »personally«: hidden then, and neither checked nor kept
    "payer_gln": "123",
    "payer_cvr": "1",
}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"payer_gln": "5798 0098 1157 8"},
            {
                "kind": "public",
                "name": "Aarhus Kommune, Hovedbiblioteket",
                "gln": GLN,
                "cvr": "",
                "order_reference": "PO-4711",
                "person_reference": "Hans Hansen",
                "street": "",
                "postcode": "",
                "city": "",
                "email": "anne@example.org",
            },
        ),
        (
            COMPANY,
            {
                "kind": "company",
                "name": "Bibliotekskonsulenterne ApS",
                "gln": "",
                "cvr": "29189919",
                "order_reference": "",
                "person_reference": "Indkøb",
                "street": "",
                "postcode": "",
                "city": "",
                "email": "bogholderi@example.org",
            },
        ),
        (
            PERSON,
            {
                "kind": "person",
                "name": "Anne Hansen",
                "gln": "",
                "cvr": "",
                "order_reference": "",
                "person_reference": "",
                "street": "Nørregade 1, 2. th.",
                "postcode": "7100",
                "city": "Vejle",
                "email": "anne@example.org",
            },
        ),
    ],
    ids=["public", "company", "person"],
)
def test_each_kind_of_payer_is_stored_with_the_booking(client, event, member, fields, expected):
    data = priced_data(client, event, price=member.pk, **fields)

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert payer_row() == {**expected, "member_organisation": None, "membership": ""}
    assert Payer.objects.get().booking == Booking.objects.get()


@pytest.mark.parametrize(
    ("lang", "gln", "message"),
    [
        (
            "da",
            "5798009811579",
            "EAN-nummerets sidste ciffer passer ikke med de andre. Tjek venligst nummeret.",
        ),
        ("da", "579800981157", "Et EAN-lokationsnummer har 13 cifre."),
        ("da", "4006381333931", "Et dansk EAN-lokationsnummer begynder med 57."),
        (
            "en",
            "5798009811579",
            "The EAN number&#x27;s last digit does not match the others. Please check the number.",
        ),
        ("en", "579800981157", "An EAN location number has 13 digits."),
        ("en", "4006381333931", "A Danish EAN location number starts with 57."),
    ],
)
def test_a_wrong_ean_number_is_told_next_to_its_field(client, event, member, lang, gln, message):
    data = priced_data(client, event, price=member.pk, payer_gln=gln)

    response = client.post(url("registrations:register", lang, slug=event.slug), data)

    assert response.status_code == 422
    assert [e.strip() for e in errors(response)] == [message]
    assert field_error(response, "payer_gln") == message
    assert 'aria-describedby="id_payer_gln_helptext id_payer_gln_error"' in (
        response.content.decode()
    )
    assert (Booking.objects.count(), Payer.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("lang", "cvr", "message"),
    [
        ("da", "29189918", "Det er ikke et gyldigt CVR-nummer. Tjek det venligst."),
        ("da", "2918991", "Et CVR-nummer har 8 cifre."),
        ("en", "29189918", "This is not a valid CVR number. Please check it."),
        ("en", "2918991", "A CVR number has 8 digits."),
    ],
)
def test_a_wrong_cvr_number_is_told_next_to_its_field(client, event, member, lang, cvr, message):
    data = priced_data(client, event, price=member.pk, **{**COMPANY, "payer_cvr": cvr})

    response = client.post(url("registrations:register", lang, slug=event.slug), data)

    assert response.status_code == 422
    assert [e.strip() for e in errors(response)] == [message]
    assert field_error(response, "payer_cvr") == message
    assert Booking.objects.count() == 0


def test_a_public_body_without_references_or_name_is_told_at_each_field(client, event, member):
    data = priced_data(
        client,
        event,
        price=member.pk,
        payer_name="",
        payer_order_reference="",
        payer_person_reference="",
    )

    response = client.post(register_url(event), data)

    assert response.status_code == 422
    assert field_error(response, "payer_name") == "Angiv det navn, der skal stå på fakturaen."
    assert field_error(response, "payer_order_reference") == (
        "En offentlig myndighed skal have et ordrenummer eller en personreference på fakturaen."
    )
    assert Booking.objects.count() == 0


def test_a_paid_price_without_a_payer_is_asked_for_one_at_the_field(client, event, member):
    data = form_data(client, event, price=member.pk)

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert field_error(response, "payer_kind") == "Vælg, hvem der betaler."
    assert Booking.objects.count() == 0


def test_no_price_chosen_is_told_at_the_price(client, event, member, other):
    response = client.post(register_url(event), priced_data(client, event))

    assert response.status_code == 422
    assert field_error(response, "price") == "Vælg en pris."


def test_a_price_sold_out_is_told_at_the_price(client, event, member):
    member.limit = 0
    member.save()

    response = client.post(register_url(event), priced_data(client, event, price=member.pk))

    assert response.status_code == 409
    assert field_error(response, "price") == (
        "Der er ikke flere pladser til prisen »Medlem«. Vælg venligst en anden."
    )
    assert Booking.objects.count() == 0


def test_a_member_organisation_picked_from_the_list_verifies_the_member_price(client, event, site):
    price = PriceFactory(event=event, name_da="Medlem", amount=Decimal("1995"), members_only=True)
    aarhus = MemberOrganisationFactory(name="Aarhus Kommune", email_domains="aarhus.dk")
    data = priced_data(client, event, price=price.pk, payer_member_organisation="aarhus kommune")

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert (Payer.objects.get().member_organisation, Payer.objects.get().membership) == (
        aarhus,
        "verified",
    )


def test_a_members_only_price_without_a_member_is_claimed_for_staff_to_check(client, event):
    price = PriceFactory(event=event, name_da="Medlem", amount=Decimal("1995"), members_only=True)
    MemberOrganisationFactory(name="Aarhus Kommune", email_domains="aarhus.dk")

    response = client.post(register_url(event), priced_data(client, event, price=price.pk))
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    assert (Payer.objects.get().member_organisation, Payer.objects.get().membership) == (
        None,
        "claimed",
    )
    assert squeeze(re.search(r'<p class="notice" role="status">(.*?)</p>', page).group(1)) == (
        "Du har valgt en medlemspris, men vi kunne ikke se, hvilken medlemsorganisation du kommer"
        " fra. Arrangørerne tjekker det, før fakturaen udstedes, og kontakter dig, hvis"
        " medlemsprisen ikke gælder."
    )


def test_an_unknown_member_organisation_is_told_next_to_the_field(client, event, member):
    MemberOrganisationFactory(name="Aarhus Kommune")
    data = priced_data(client, event, price=member.pk, payer_member_organisation="Aarhus Komune")

    response = client.post(register_url(event), data)

    assert response.status_code == 422
    assert field_error(response, "payer_member_organisation") == (
        "Vi kender ikke denne medlemsorganisation. Vælg en fra listen, eller lad feltet stå tomt."
    )
    assert 'value="Aarhus Komune"' in response.content.decode()
    assert Booking.objects.count() == 0


def test_a_former_member_is_refused_at_the_member_field(client, event, member):
    MemberOrganisationFactory(name="Udmeldt Kommune", member_until=dt.date(2000, 1, 1))
    data = priced_data(client, event, price=member.pk, payer_member_organisation="Udmeldt Kommune")

    response = client.post(register_url(event), data)

    assert response.status_code == 409
    assert field_error(response, "payer_member_organisation") == (
        "Organisationen er ikke medlem på dagen for arrangementet."
    )


def test_a_booker_staying_home_chooses_no_price_but_pays(client, event, member, other):
    data = priced_data(client, event, attending="", price="", **{
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
        "colleague-0-price": str(other.pk),
    })  # fmt: skip

    response = client.post(register_url(event), data)

    assert response.status_code == 302
    assert stored() == [("Bo Berg", "Ikke-medlem", Decimal("2795.00"), [])]
    assert Payer.objects.get().name == "Aarhus Kommune, Hovedbiblioteket"


HOSTILE = "<script>alert('æøå & co')</script>"


def test_hostile_text_is_escaped_on_the_register_page(client, event, other):
    PriceFactory(event=event, name_da=HOSTILE, amount=Decimal("10"))
    MemberOrganisationFactory(name=HOSTILE)
    long_name = "Å" * 300
    data = priced_data(
        client, event, price=other.pk, payer_name=long_name, payer_gln="1", payer_city=HOSTILE
    )

    page = client.post(register_url(event), data).content.decode()

    escaped = "&lt;script&gt;alert(&#x27;æøå &amp; co&#x27;)&lt;/script&gt;"
    assert "<script>alert(" not in page
    assert f"{escaped} – 10,00 kr." in page
    assert f'<option value="{escaped}"></option>' in page
    assert f'value="{long_name}"' in page
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("count", [1, 3])
def test_register_page_of_a_priced_event_query_count_does_not_grow(
    client, event, django_assert_num_queries, count
):
    for number in range(count):
        PriceFactory(event=event, name_da=f"Pris {number}")
        OptionFactory(event=event, name_da=f"Tilvalg {number}")
        MemberOrganisationFactory(name=f"Medlem {number}")
    client.get(url("events:list"))  # site settings and footer links are cached from now on

    # event with venue, questions, session slots, prices, options, member organisations, seats,
    # the current privacy policy and terms
    with django_assert_num_queries(8):
        page = client.get(register_url(event)).content.decode()

    assert [f"Pris {n} – 2.795,00 kr." in page for n in range(count)] == [True] * count
    assert page.count("<option value=") == count
