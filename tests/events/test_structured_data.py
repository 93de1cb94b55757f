import datetime as dt
import json
import re

import pytest

from tests.core.pages import content, local, url
from tests.factories import EventFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def json_ld(page: str) -> dict:
    [data] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    return json.loads(data)


def conference(**fields):
    return EventFactory(
        **{
            "title_da": "Konference om samarbejde",
            "summary_da": "En dag om samarbejde.",
            "starts_at": local(2016, 5, 23, 9, 30),
            "ends_at": local(2016, 5, 23, 16),
            "registration_opens_at": local(2016, 4, 18, 12),
            "registration_closes_at": local(2016, 5, 18, 12),
            "organiser": OrganisationFactory(name="Danmarks Biblioteksforening"),
            **fields,
        }
    )


def test_event_page_has_schema_org_event_data(client, site):
    event = conference()

    data = json_ld(content(client.get(url("events:detail", slug=event.slug))))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Event"
    assert data["name"] == "Konference om samarbejde"
    assert data["description"] == "En dag om samarbejde."
    assert dt.datetime.fromisoformat(data["startDate"]) == local(2016, 5, 23, 9, 30)
    assert dt.datetime.fromisoformat(data["endDate"]) == local(2016, 5, 23, 16)
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["url"] == f"http://testserver{url('events:detail', slug=event.slug)}"
    assert data["organizer"] == {"@type": "Organization", "name": "Danmarks Biblioteksforening"}
    assert data["location"] == {
        "@type": "Place",
        "name": "Den Blå Planet",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "Jacob Fortlings Vej 1",
            "postalCode": "2770",
            "addressLocality": "Kastrup",
            "addressCountry": "DK",
        },
    }
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert dt.datetime.fromisoformat(data["offers"]["validFrom"]) == local(2016, 4, 18, 12)


def test_schema_org_data_of_a_cancelled_event_without_venue(client, site):
    event = conference(is_cancelled=True, venue=None, organiser=None)

    data = json_ld(content(client.get(url("events:detail", slug=event.slug))))

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["organizer"] == {"@type": "Organization", "name": "Danmarks Biblioteksforening"}
    assert "location" not in data
    assert "offers" not in data


def test_title_cannot_break_out_of_the_structured_data(client, site):
    title = 'Slut</script><script>alert(1)</script> & "mere"'
    event = conference(title_da=title)

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/ld+json">']
    assert json_ld(page)["name"] == title
