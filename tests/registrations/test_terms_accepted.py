"""Each booking records the versions of the privacy policy and the registration terms it
accepted, and when: the public form (alone or with colleagues), the REST API; staff's own
registrations record none."""

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.api.conftest import Api
from tests.factories import EventFactory, PageFactory, StaffFactory
from tests.registrations.test_views import form_data, register_url
from tilmeld.api.enums import Scope
from tilmeld.api.tokens import create_token
from tilmeld.core import terms
from tilmeld.core.models import PageRole
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Booking, Participant
from tilmeld.registrations.services.booking import Booker, Person, register

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _at_now():
    """The clock stands still: the registration time is exactly NOW."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def published_terms():
    """The privacy policy at version 1, the registration terms at version 2."""
    privacy = PageFactory(
        slug="privatlivspolitik", title_da="Privatlivspolitik", body_da="P1", role=PageRole.PRIVACY
    )
    conditions = PageFactory(
        slug="tilmeldingsbetingelser",
        title_da="Tilmeldingsbetingelser",
        body_da="B1",
        role=PageRole.TERMS,
    )
    terms.save_page(privacy)
    terms.save_page(conditions)
    conditions.body_da = "B2"
    terms.save_page(conditions)
    return privacy, conditions


def accepted(booking: Booking):
    booking.refresh_from_db()
    return (
        booking.privacy_version and booking.privacy_version.number,
        booking.terms_version and booking.terms_version.number,
        booking.terms_accepted_at,
    )


def test_the_form_links_the_current_versions_and_the_booking_records_them(
    client, site, published_terms
):
    event = EventFactory()
    page = client.get(register_url(event)).content.decode()
    client.post(register_url(event), form_data(client, event))

    assert '<a href="/sider/privatlivspolitik/version/1/">Privatlivspolitik (version 1)</a>' in page
    assert (
        '<a href="/sider/tilmeldingsbetingelser/version/2/">Tilmeldingsbetingelser (version 2)</a>'
    ) in page
    assert (
        "Jeg har læst privatlivspolitikken og tilmeldingsbetingelserne og accepterer dem." in page
    )
    assert accepted(Booking.objects.get()) == (1, 2, NOW)


def test_a_group_booking_records_the_terms_once_for_all_its_participants(
    client, site, published_terms
):
    event = EventFactory()
    data = form_data(client, event, **{
        "colleague-TOTAL_FORMS": "2",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
        "colleague-1-name": "Ea Eskildsen",
        "colleague-1-email": "ea@example.org",
    })  # fmt: skip
    client.post(register_url(event), data)

    booking = Booking.objects.get()
    assert booking.participants.count() == 3
    assert accepted(booking) == (1, 2, NOW)


def test_the_form_without_the_box_ticked_is_refused_and_stores_nothing(
    client, site, published_terms
):
    event = EventFactory()

    response = client.post(register_url(event), form_data(client, event, consent=""))

    assert response.status_code == 422
    assert "Du skal acceptere privatlivsbetingelserne for at tilmelde dig." in (
        response.content.decode()
    )
    assert Booking.objects.count() == 0


def test_the_service_refuses_a_public_booking_that_did_not_accept_the_terms(published_terms):
    event = EventFactory()
    anne = Person("Anne", "anne@example.org")

    with pytest.raises(RegistrationError) as refused:
        register(event, booker=Booker("Anne", "anne@example.org"), people=[anne], language="da")

    assert (refused.value.code, refused.value.field) == ("terms_not_accepted", "consent")
    assert str(refused.value) == (
        "Du skal acceptere privatlivspolitikken og tilmeldingsbetingelserne for at tilmelde dig."
    )


def test_a_site_without_terms_pages_records_only_when_they_were_accepted(client, site):
    event = EventFactory()
    client.post(register_url(event), form_data(client, event))

    assert accepted(Booking.objects.get()) == (None, None, NOW)


def test_a_changed_text_is_accepted_by_the_next_booking_and_the_first_keeps_its_own(
    client, site, published_terms
):
    _privacy, conditions = published_terms
    event = EventFactory()
    client.post(register_url(event), form_data(client, event))
    conditions.body_da = "B3"
    terms.save_page(conditions)
    client.post(register_url(event), form_data(client, event, email="bo@example.org", name="Bo"))

    first, second = Booking.objects.order_by("id")
    assert (accepted(first)[:2], accepted(second)[:2]) == ((1, 2), (1, 3))


def test_the_confirmation_mails_link_the_accepted_versions(client, site, published_terms):
    event = EventFactory()
    data = form_data(client, event, **{
        "attending": "",
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
    })  # fmt: skip

    client.post(register_url(event), data)

    assert [m.to for m in mail.outbox] == [
        ["Bo Berg <bo@example.org>"],
        ["Anne Hansen <anne@example.org>"],  # the booker's summary
    ]
    terms_lines = (
        "Tilmeldingen er foretaget på disse betingelser:\n"
        f"Privatlivspolitik, version 1: {settings.SITE_URL}/sider/privatlivspolitik/version/1/\n"
        "Tilmeldingsbetingelser, version 2: "
        f"{settings.SITE_URL}/sider/tilmeldingsbetingelser/version/2/"
    )
    assert [terms_lines in message.body for message in mail.outbox] == [True, True]
    html = mail.outbox[0].alternatives[0][0]
    assert (
        f'<br><a href="{settings.SITE_URL}/sider/privatlivspolitik/version/1/">'
        "Privatlivspolitik, version 1</a>"
    ) in html


def test_the_api_records_the_terms_the_booker_accepted(site, published_terms):
    EventFactory(slug="moede")
    _row, token = create_token(StaffFactory(), name="CRM", scopes=[Scope.REGISTRATIONS_WRITE])
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    anna = {"name": "Anna", "email": "anna@example.org"}
    bo = {"name": "Bo", "email": "bo@example.org"}
    api = Api(Client())

    refused = api.post("/events/moede/bookings", {"booker": anna, "participants": [anna]}, headers)
    made = api.post(
        "/events/moede/bookings",
        {"booker": bo, "participants": [bo], "accepts_terms": True},
        headers,
    )

    assert refused.status_code == 422
    assert refused.json()["code"] == "terms_not_accepted"
    assert refused.json()["errors"] == [
        {
            "field": "accepts_terms",
            "message": "Please accept the privacy policy and the registration terms to register.",
        }
    ]
    assert made.status_code == 201
    assert accepted(Booking.objects.get()) == (1, 2, NOW)


def test_staff_registering_in_the_admin_record_no_terms_and_the_page_says_so(
    client, site, published_terms
):
    client.force_login(StaffFactory())
    event = EventFactory()
    data = {"event": event.pk, "name": "Gæst", "email": "gaest@example.org", "language": "da"}
    client.post(reverse("admin:registrations_participant_register"), data)
    client.logout()
    client.post(register_url(event), form_data(client, event))
    client.force_login(StaffFactory())

    guest = Participant.objects.get(email="gaest@example.org")
    anne = Participant.objects.get(email="anne@example.org")
    guest_page = client.get(reverse("admin:registrations_participant_change", args=[guest.pk]))
    anne_page = client.get(reverse("admin:registrations_participant_change", args=[anne.pk]))

    assert accepted(guest.booking) == (None, None, None)
    assert "Ingen: tilmeldt af personalet" in guest_page.content.decode()
    assert (
        '<a href="/sider/privatlivspolitik/version/1/">Privatlivspolitik, version 1</a>, '
        '<a href="/sider/tilmeldingsbetingelser/version/2/">Tilmeldingsbetingelser, version 2</a>'
        " (2. marts 2027, kl. 10.00)"
    ) in anne_page.content.decode()


def test_terms_changed_while_filling_in_the_form_are_shown_again_before_anyone_registers(
    client, site, published_terms
):
    _privacy, conditions = published_terms
    event = EventFactory()
    page = client.get(register_url(event)).content.decode()
    shown = re.search(r'name="terms_shown" value="([^"]+)"', page).group(1)
    data = {**form_data(client, event), "terms_shown": shown}
    conditions.body_da = "B3"
    terms.save_page(conditions)

    refused = client.post(register_url(event), data)
    again = client.post(register_url(event), {**data, "terms_shown": "1.3"})

    html = refused.content.decode()
    assert shown == "1.2"  # privacy policy version 1, terms version 2
    assert refused.status_code == 409
    assert (
        "Privatlivspolitikken eller tilmeldingsbetingelserne er ændret, mens du udfyldte"
        " formularen. Læs den nye version, og send formularen igen."
    ) in html
    assert '<a href="/sider/tilmeldingsbetingelser/version/3/">' in html
    assert 'name="terms_shown" value="1.3"' in html
    assert again.status_code == 302
    assert accepted(Booking.objects.get())[:2] == (1, 3)
