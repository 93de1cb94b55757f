"""The secret manage links: what a malformed secret gets, and that no page with personal data is
kept by a browser or a proxy."""

import pytest

from tests.factories import EventFactory, register_people

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
