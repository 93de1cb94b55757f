"""The door's search box takes whatever a hand scanner or a prober types."""

import pytest

from tests.factories import EventFactory, StaffFactory, register_people
from tests.staff.test_checkin import staff_url, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.mark.parametrize("query", ["Anne\x00", "\x00Anne", "An\x00ne Hansen", "Anne\r\nHansen"])
def test_search_with_control_characters_answers_as_for_the_plain_words(staff_client, site, query):
    event = EventFactory()
    register_people(event, "Anne Hansen", "Bo Berg")

    response = staff_client.get(staff_url("checkin", event), {"q": query})

    assert response.status_code == 200
    assert "\x00" not in response.content.decode()
    page = text(response)
    assert "Anne Hansen" in page
    assert "Bo Berg" not in page


def test_search_of_only_a_nul_byte_shows_no_results(staff_client, site):
    event = EventFactory()
    register_people(event, "Anne Hansen")

    response = staff_client.get(staff_url("checkin", event), {"q": "\x00"})

    assert response.status_code == 200
    assert "Anne Hansen" not in text(response)
