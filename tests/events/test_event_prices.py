"""The event page lists what it costs: each price (early-bird and members-only said), the
options, and how VAT is included, in Danish and English."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from tests.core.pages import content, squeeze, url
from tests.events.test_views import conference
from tests.factories import CoOrganiserFactory, OptionFactory, PriceFactory

pytestmark = pytest.mark.django_db


def facts(page: str, term: str) -> list[str]:
    """The list items under <dt>term</dt> in the event's facts."""
    found = re.search(rf"<dt>{term}</dt>\s*<dd><ul[^>]*>(.*?)</ul></dd>", page, re.DOTALL)
    assert found is not None, f"no {term} in the facts"
    return [squeeze(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1))]


def vat_note(page: str) -> str:
    return squeeze(re.search(r'<dd class="vat-note">(.*?)</dd>', page).group(1))


@pytest.fixture
def priced(site):
    event = conference(vat_mode="included")
    PriceFactory(
        event=event,
        name_da="Medlem",
        name_en="Member",
        amount=Decimal("1995.00"),
        early_amount=Decimal("1495.00"),
        early_until=dt.date(2016, 5, 1),  # today: the last early-bird day
        members_only=True,
        position=1,
    )
    PriceFactory(event=event, amount=Decimal("2795.00"), position=2)
    OptionFactory(event=event)
    return event


def test_the_event_page_lists_prices_and_options_in_danish(client, priced):
    page = content(client.get(url("events:detail", slug=priced.slug)))

    assert facts(page, "Pris") == [
        "Medlem – 1.495,00 kr. til og med 1. maj 2016, derefter 1.995,00 kr. (kun for medlemmer)",
        "Ikke-medlem – 2.795,00 kr.",
    ]
    assert facts(page, "Tilvalg") == ["Festmiddag – 350,00 kr."]
    assert vat_note(page) == "Priserne er inkl. moms."


def test_the_event_page_lists_prices_and_options_in_english(client, priced):
    page = content(client.get(url("events:detail", "en", slug=priced.slug)))

    assert facts(page, "Price") == [
        "Member – DKK 1,495.00 until 1 May 2016, then DKK 1,995.00 (members only)",
        "Non-member – DKK 2,795.00",
    ]
    assert facts(page, "Options") == ["Conference dinner – DKK 350.00"]
    assert vat_note(page) == "Prices include VAT."


@pytest.mark.parametrize(
    ("vat_mode", "lang", "note"),
    [
        ("excluded", "da", "Priserne er ekskl. moms: der lægges 25 % moms til."),
        ("excluded", "en", "Prices exclude VAT: 25 % VAT is added."),
        ("exempt", "da", "Arrangementet er momsfritaget."),
        ("exempt", "en", "The event is exempt from VAT."),
    ],
)
def test_the_event_page_says_how_vat_is_included(client, site, vat_mode, lang, note):
    event = conference(vat_mode=vat_mode, vat_exemption_reason="Momslovens § 13")
    PriceFactory(event=event)

    page = content(client.get(url("events:detail", lang, slug=event.slug)))

    assert vat_note(page) == note


def test_a_free_event_page_shows_no_price(client, site):
    event = conference()

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert "<dt>Pris</dt>" not in page
    assert 'class="vat-note"' not in page


@pytest.mark.parametrize("count", [1, 3])
def test_event_page_query_count_does_not_grow_with_prices(
    client, site, django_assert_num_queries, count
):
    event = conference()
    CoOrganiserFactory(event=event)
    for number in range(count):
        PriceFactory(event=event, name_da=f"Pris {number}")
        OptionFactory(event=event, name_da=f"Tilvalg {number}")

    # event with venue, organiser and seat count; co-organisers, sessions, site settings, footer,
    # prices, options
    with django_assert_num_queries(7):
        page = content(client.get(url("events:detail", slug=event.slug)))

    assert len(facts(page, "Pris")) == count
    assert len(facts(page, "Tilvalg")) == count
