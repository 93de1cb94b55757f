"""One wording of the binding date on every page, in the tense of the moment. The date shown is
the last day of free cancellation, before and after: binding from midnight 11 May is "after 10
May"."""

import pytest
import time_machine
from django.utils import translation

from tests.core.pages import local, text_of
from tests.factories import EventFactory, register_people
from tilmeld.registrations.services.booking import Booker

pytestmark = pytest.mark.django_db

LAST_FREE_MINUTE, BINDING_FROM = local(2016, 5, 10, 23, 59), local(2016, 5, 11)


@pytest.fixture
def booked(site):
    """Anne and Bo, booked by their head of library on 1 May for the 23 May conference."""
    with time_machine.travel(local(2016, 5, 1, 12), tick=False):
        event = EventFactory(binding_at=BINDING_FROM)
        chef = Booker("Chef Jensen", "chef@example.org")
        return register_people(event, "Anne", "Bo", booker=chef)


def page_at(client, path, moment):
    with time_machine.travel(moment, tick=False):
        return client.get(path).content.decode()


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            LAST_FREE_MINUTE,
            "Tilmeldingen er bindende efter 10. maj 2016. "
            "Indtil da kan en tilmelding afmeldes gratis.",
        ),
        (
            BINDING_FROM,
            "Tilmeldingen blev bindende efter 10. maj 2016. "
            "En kollega kan deltage i en deltagers sted.",
        ),
    ],
)
def test_booking_page_binding_sentence(client, booked, moment, text):
    anne, _bo = booked

    page = page_at(client, anne.booking.get_manage_url(), moment)

    assert text_of(page, "p", "binding") == text


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (
            LAST_FREE_MINUTE,
            "Tilmeldingen er bindende efter 10. maj 2016. Indtil da kan du afmelde dig gratis.",
        ),
        (
            BINDING_FROM,
            "Tilmeldingen blev bindende efter 10. maj 2016. "
            "Den kan ikke længere afmeldes, men en kollega kan deltage i stedet for dig.",
        ),
    ],
)
def test_participant_page_binding_sentence(client, booked, moment, text):
    anne, _bo = booked

    page = page_at(client, anne.get_manage_url(), moment)

    assert text_of(page, "p", "binding") == text


@pytest.mark.parametrize("moment", [LAST_FREE_MINUTE, BINDING_FROM])
def test_event_page_and_booking_page_say_the_same(client, booked, moment):
    anne, _bo = booked
    with translation.override("en"):
        event_url, booking_url = anne.event.get_absolute_url(), anne.booking.get_manage_url()

    event_page = page_at(client, event_url, moment)
    booking_page = page_at(client, booking_url, moment)

    first_sentence = text_of(event_page, "p", "binding").split(". After")[0]
    assert first_sentence.endswith("binding after 10 May 2016")
    assert text_of(booking_page, "p", "binding").startswith(first_sentence + ". ")
