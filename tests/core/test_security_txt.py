"""/.well-known/security.txt (RFC 9116), from the site settings."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.factories import SiteSettingsFactory

pytestmark = pytest.mark.django_db

URL = "/.well-known/security.txt"
CPH = dt.timezone(dt.timedelta(hours=1))  # Copenhagen in winter


def test_security_txt_from_the_settings(client, settings):
    settings.SITE_URL = "https://tilmeld.example.org"
    SiteSettingsFactory(
        security_contact="mailto:sikkerhed@example.org",
        security_expires_on=dt.date(2027, 12, 31),
        security_policy_url="https://tilmeld.example.org/sider/sikkerhed/",
    )

    response = client.get(URL)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "public, max-age=300"
    assert response.content.decode() == (
        "Contact: mailto:sikkerhed@example.org\n"
        "Expires: 2027-12-31T22:59:59Z\n"
        "Preferred-Languages: da, en\n"
        "Canonical: https://tilmeld.example.org/.well-known/security.txt\n"
        "Policy: https://tilmeld.example.org/sider/sikkerhed/\n"
    )


def test_without_its_own_fields_the_contact_email_and_a_year_ahead(client, settings):
    settings.SITE_URL = "https://tilmeld.example.org"
    SiteSettingsFactory(contact_email="db@example.org")

    with time_machine.travel(dt.datetime(2026, 6, 1, 12, tzinfo=CPH), tick=False):
        response = client.get(URL)

    assert response.content.decode() == (
        "Contact: mailto:db@example.org\n"
        "Expires: 2027-06-01T21:59:59Z\n"
        "Preferred-Languages: da, en\n"
        "Canonical: https://tilmeld.example.org/.well-known/security.txt\n"
    )


def test_without_any_contact_there_is_no_security_txt(client):
    SiteSettingsFactory(contact_email="", security_contact="")

    assert client.get(URL).status_code == 404


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("sikkerhed@example.org", "mailto:sikkerhed@example.org"),
        (" mailto:sikkerhed@example.org ", "mailto:sikkerhed@example.org"),
        ("https://example.org/security", "https://example.org/security"),
    ],
)
def test_the_contact_is_an_address_or_https(typed, stored):
    site = SiteSettingsFactory.build(security_contact=typed, cvr="12345674")

    site.clean()

    assert site.security_contact == stored


@pytest.mark.parametrize(
    "typed", ["http://example.org/security", "mailto:not an address", "telefon 12345678"]
)
def test_a_contact_of_another_kind_is_refused(typed):
    site = SiteSettingsFactory.build(security_contact=typed, cvr="12345674")

    with pytest.raises(ValidationError) as error:
        site.clean()

    assert error.value.message_dict == {
        "security_contact": ["Angiv en e-mailadresse eller en adresse, der begynder med https://."]
    }
