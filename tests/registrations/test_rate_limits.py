"""The public rate limits: each one hit (429, Retry-After, the translated message) and released
when its window has passed. Tilmeld's own clock is moved with time-machine; the counts live in
the "ratelimit" cache (in memory in tests; tests/core/test_ratelimits_processes.py shares them
between processes)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import EventFactory, StaffFactory, register_people
from tests.registrations.test_views import form_data, register_url
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services.checkin import checkin_code

pytestmark = pytest.mark.django_db

WRONG = "x" * 32  # well formed, no such link
MINUTES_10 = dt.timedelta(minutes=10, seconds=1)


def _wrong_link(n: int) -> str:
    return f"/tilmelding/{str(n).zfill(32)}/"


def _retry_after(response) -> int:
    return int(response["Retry-After"])


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def test_wrong_manage_links_are_404_then_429_for_the_address(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = "3/10m"

    answers = [client.get(_wrong_link(n)).status_code for n in range(4)]
    refused = client.get(_wrong_link(5))

    assert answers == [404, 404, 404, 429]
    assert refused.status_code == 429
    assert 1 <= _retry_after(refused) <= 600
    page = refused.content.decode()
    assert "<h1>For mange forsøg</h1>" in page
    minutes = -(-_retry_after(refused) // 60)
    assert re.search(rf"Prøv igen om {minutes} minut(ter)?\.", page)
    other_address = client.get(_wrong_link(6), REMOTE_ADDR="10.0.0.9")
    assert other_address.status_code == 404


def test_the_429_page_is_in_english_on_english_links(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = "1/10m"
    client.get(f"/en/registration/{WRONG}/")

    refused = client.get(f"/en/registration/{WRONG}/")

    assert refused.status_code == 429
    page = refused.content.decode()
    assert "<h1>Too many attempts</h1>" in page
    assert re.search(r"Too many attempts\. Please try again in \d+ minutes?\.", page)


def test_a_right_link_after_a_few_wrong_ones_still_opens(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = "3/10m"
    [anne] = register_people(EventFactory(), "Anne Hansen")
    for n in range(3):
        client.get(_wrong_link(n))

    answers = [client.get(anne.get_manage_url()) for _ in range(5)]  # a right one costs nothing

    assert [a.status_code for a in answers] == [200] * 5
    assert "Anne Hansen" in answers[-1].content.decode()
    assert client.get(anne.booking.get_manage_url()).status_code == 200


def test_over_the_limit_links_not_opened_before_wait_for_the_window(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = "3/10m"
    [anne] = register_people(EventFactory(), "Anne Hansen")
    for n in range(4):
        client.get(_wrong_link(n))

    refused = [
        client.get(anne.get_manage_url()),
        client.get(anne.booking.get_manage_url()),
        client.get(reverse("registrations:offer", kwargs={"token": anne.manage_token})),
    ]
    clock.shift(MINUTES_10)
    released = client.get(anne.get_manage_url())

    assert [r.status_code for r in refused] == [429, 429, 429]
    assert released.status_code == 200
    assert [client.get(_wrong_link(n)).status_code for n in range(4)] == [404, 404, 404, 429]


def test_a_link_opened_before_in_this_browser_opens_over_the_limit(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = "3/10m"
    anne, bo = register_people(EventFactory(), "Anne Hansen", "Bo Berg")
    assert client.get(anne.get_manage_url()).status_code == 200  # e.g. from her mail
    for n in range(4):
        client.get(_wrong_link(n))
    stranger = Client()  # another browser at the same address
    forger = Client()
    forger.cookies["tilmeld_links"] = client.cookies["tilmeld_links"].value.split(":")[0]

    again = client.get(anne.get_manage_url())

    assert again.status_code == 200
    assert "Anne Hansen" in again.content.decode()
    assert client.get(bo.get_manage_url()).status_code == 429  # not opened here before
    assert client.get(_wrong_link(9)).status_code == 429
    assert stranger.get(anne.get_manage_url()).status_code == 429
    assert forger.get(anne.get_manage_url()).status_code == 429  # the cookie is signed


def test_the_known_links_cookie_is_set_once_and_kept_private(client, site):
    [anne] = register_people(EventFactory(), "Anne Hansen")

    first = client.get(anne.get_manage_url())
    second = client.get(anne.get_manage_url())

    cookie = first.cookies["tilmeld_links"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600
    assert anne.manage_token not in cookie.value
    assert "tilmeld_links" not in second.cookies  # already known: not sent again


def test_wrong_booking_links_count_with_the_participant_links(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = "2/10m"

    answers = [
        client.get(f"/booking/{WRONG}/").status_code,
        client.get(f"/booking/{WRONG}/deltager/1/overdrag/").status_code,
        client.get(_wrong_link(1)).status_code,
    ]

    assert answers == [404, 404, 429]


def test_registrations_per_address_are_limited_and_released(client, site, settings, clock):
    settings.TILMELD_RATE_REGISTER_ADDRESS = "2/10m"
    event = EventFactory(capacity=10)
    people = ["anne", "bo", "carl", "dorte"]
    data = [form_data(client, event, email=f"{p}@example.org", name=p.title()) for p in people]

    answers = [client.post(register_url(event), data[i]) for i in range(3)]
    clock.shift(MINUTES_10)
    released = client.post(register_url(event), data[3])

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert 1 <= _retry_after(answers[2]) <= 600
    page = answers[2].content.decode()
    assert re.search(r"For mange forsøg\. Prøv igen om \d+ minut(ter)?\.", page)
    assert 'value="Carl"' in page  # the form comes back as typed
    assert released.status_code == 302
    assert sorted(Participant.objects.values_list("name", flat=True)) == ["Anne", "Bo", "Dorte"]


def test_registrations_per_email_are_limited_across_addresses(client, site, settings, clock):
    settings.TILMELD_RATE_REGISTER_EMAIL = "2/1h"
    events = [EventFactory(capacity=10) for _ in range(3)]

    answers = [
        client.post(
            register_url(e),
            form_data(client, e, email="Anne@Example.org"),
            REMOTE_ADDR=f"10.0.0.{i}",
        )
        for i, e in enumerate(events)
    ]

    assert [a.status_code for a in answers] == [302, 302, 429]
    assert Participant.objects.filter(event=events[2]).count() == 0


def test_staff_registering_for_others_are_not_limited(client, site, settings, clock):
    settings.TILMELD_RATE_REGISTER_ADDRESS = "1/10m"
    client.force_login(StaffFactory())
    event = EventFactory(capacity=10)

    answers = [
        client.post(register_url(event), form_data(client, event, email=f"p{i}@example.org"))
        for i in range(3)
    ]

    assert [a.status_code for a in answers] == [302, 302, 302]


def test_the_same_address_reminder_is_limited_per_email(client, site, settings, clock):
    settings.TILMELD_RATE_REMINDER_EMAIL = "2/1h"
    events = [EventFactory(capacity=10) for _ in range(3)]
    for event in events:
        register_people(event, "Anne")  # anne@example.org, as the form below
    mail.outbox.clear()

    answers = [
        client.post(register_url(e), form_data(client, e), REMOTE_ADDR=f"10.0.0.{i}")
        for i, e in enumerate(events)
    ]

    assert [a.status_code for a in answers] == [409, 409, 429]
    assert len(mail.outbox) == 2  # the third visitor is told to wait, and nothing is mailed
    page = answers[2].content.decode()
    assert "har vi sendt linket" not in page
    assert re.search(r"For mange forsøg\. Prøv igen om \d+ minut(ter)?\.", page)
    clock.shift(dt.timedelta(hours=1, seconds=1))
    assert client.post(register_url(events[2]), form_data(client, events[2])).status_code == 409
    assert len(mail.outbox) == 3


def test_the_same_address_reminder_is_limited_per_address(client, site, settings, clock):
    settings.TILMELD_RATE_REMINDER_ADDRESS = "1/1h"
    event = EventFactory(capacity=10)
    register_people(event, "Anne", "Bo")
    mail.outbox.clear()

    first = client.post(register_url(event), form_data(client, event))
    second = client.post(register_url(event), form_data(client, event, email="bo@example.org"))

    assert [first.status_code, second.status_code] == [409, 429]
    assert len(mail.outbox) == 1


def _scan(client, event, code):
    url = reverse("staff:checkin_scan", kwargs={"event_id": event.pk})
    return client.post(url, {"code": code}, headers={"Accept": "application/json"})


def test_unknown_checkin_codes_are_limited_per_user(client, site, settings, clock):
    settings.TILMELD_RATE_CHECKIN_FAILURES = "2/5m"
    staff = StaffFactory()
    client.force_login(staff)
    event = EventFactory()
    [anne] = register_people(event, "Anne Hansen")

    answers = [_scan(client, event, f"{n}-NOTACODE") for n in range(3)]
    right_but_waiting = _scan(client, event, checkin_code(anne))
    clock.shift(dt.timedelta(minutes=5, seconds=1))
    released = _scan(client, event, checkin_code(anne))

    assert [a.status_code for a in answers] == [400, 400, 429]
    assert 1 <= _retry_after(answers[2]) <= 300
    assert answers[2].json()["result"] == "rate_limited"
    assert re.fullmatch(
        r"For mange forsøg\. Prøv igen om \d+ minut(ter)?\.", answers[2].json()["message"]
    )
    assert right_but_waiting.status_code == 429
    assert released.json()["result"] == "checked_in"


def test_a_limit_set_empty_is_off(client, site, settings, clock):
    settings.TILMELD_RATE_LINK_FAILURES = ""

    answers = {client.get(_wrong_link(n)).status_code for n in range(30)}

    assert answers == {404}
