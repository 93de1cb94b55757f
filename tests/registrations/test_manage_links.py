"""The secret manage links: what a malformed secret gets, and that no page with personal data is
kept by a browser or a proxy."""

import pytest

from tests.factories import EventFactory, register_people
from tests.registrations.test_views import form_data, register_url
from tilmeld.registrations.models import Participant

pytestmark = pytest.mark.django_db

MALFORMED = [
    "%00",  # PostgreSQL refuses a NUL byte in a query: it was a 500 and a DataError in the log
    "abcdefghijklmnop%00qrstuvwxyz01234",
    "abc",
    "a" * 33,
    "a" * 31 + "%2E",
]
MANAGE_PATHS = [
    "/tilmelding/{token}/",
    "/booking/{token}/",
    "/booking/{token}/deltager/1/overdrag/",
    "/en/registration/{token}/",
    "/en/booking/{token}/",
    "/en/booking/{token}/participant/1/substitute/",
]


@pytest.mark.parametrize("token", MALFORMED)
@pytest.mark.parametrize("path", MANAGE_PATHS)
def test_manage_link_with_malformed_secret_is_404_without_a_query(
    client, site, django_assert_num_queries, path, token
):
    client.get("/findes-ikke/")  # the 404 page's site settings are now cached

    with django_assert_num_queries(0):
        response = client.get(path.format(token=token))

    assert response.status_code == 404
    heading = "Page not found" if path.startswith("/en/") else "Siden findes ikke"
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_manage_link_with_nul_byte_is_404_for_a_post_too(client, site, method):
    response = getattr(client, method)("/tilmelding/%00/")

    assert response.status_code == 404


def test_manage_links_with_well_formed_secret_still_open_the_pages(client, site):
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    booking_url = anne.booking.get_manage_url()

    assert client.get(anne.get_manage_url()).status_code == 200
    assert client.get(booking_url).status_code == 200
    assert client.get(f"{booking_url}deltager/{anne.pk}/overdrag/").status_code == 200


NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


def test_manage_pages_are_not_stored_by_browsers_or_proxies(client, site):
    event = EventFactory()
    [anne, bo] = register_people(event, "Anne", "Bo")
    booking_url = anne.booking.get_manage_url()

    responses = {
        "manage": client.get(anne.get_manage_url()),
        "manage, refused edit": client.post(
            anne.get_manage_url(), {"action": "edit", "edit-email": "nope"}
        ),
        "booking": client.get(booking_url),
        "substitute": client.get(f"{booking_url}deltager/{bo.pk}/overdrag/"),
    }

    assert {name: r.status_code for name, r in responses.items()} == {
        "manage": 200,
        "manage, refused edit": 422,
        "booking": 200,
        "substitute": 200,
    }
    assert {name: r["Cache-Control"] for name, r in responses.items()} == dict.fromkeys(
        responses, NO_STORE
    )


def test_registration_and_the_page_it_leads_to_are_not_stored(client, site):
    event = EventFactory()

    response = client.post(register_url(event), form_data(client, event))
    booking = client.get(response["Location"])

    assert response.status_code == 302
    # Registering oneself alone lands on the participant's page, whose link is in the mail.
    assert response["Location"] == Participant.objects.get().get_manage_url() + "#main"
    assert response["Cache-Control"] == NO_STORE
    assert booking.status_code == 200
    assert booking["Cache-Control"] == NO_STORE
    assert "anne@example.org" in booking.content.decode()
