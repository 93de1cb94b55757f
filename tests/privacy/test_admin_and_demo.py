"""What staff see of retention in the admin, and the demo's anonymised 2016 conference."""

import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from tests.core.test_load_demo import CONFERENCE, TODAY, UPCOMING
from tests.factories import StaffFactory
from tests.privacy.conftest import local
from tilmeld.events.models import Event
from tilmeld.invoicing.models import Invoice
from tilmeld.privacy import retention
from tilmeld.registrations.models import Participant

pytestmark = pytest.mark.django_db


def text(response) -> str:
    html = response.content.decode()
    main = html[html.index('id="content-main"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def dashboard(client, event) -> str:
    page = text(client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})))
    return page[: page.index("Tilmeldinger pr. dag")]


def test_the_event_page_says_when_and_what_is_anonymised(client, conference):
    client.force_login(StaffFactory())
    event = conference["event"]
    url = reverse("admin:events_event_change", args=[event.pk])

    with time_machine.travel(local(2025, 1, 15, 12), tick=False):
        page = text(client.get(url))
    assert "Persondata: anonymiseres 10. marts 2025" in page
    assert (
        "Anonymisering: 10. marts 2025, 12 måneder efter arrangementets afslutning:"
        " 4 deltagere, 2 bookinger og 7 mails. Fakturaer og kreditnotaer er regnskabsmateriale:"
        " de gemmes uændret i 5 år efter udgangen af regnskabsåret"
    ) in page

    with time_machine.travel(local(2025, 3, 11, 12), tick=False):
        retention.sweep()
        page = text(client.get(url))
        done = text(client.get(reverse("admin:events_event_changelist"), {"anonymised": "yes"}))
        waiting = text(client.get(reverse("admin:events_event_changelist"), {"anonymised": "no"}))
    assert "Persondata: anonymiseret 11. marts 2025" in page
    assert "Anonymisering: Anonymiseret 11. marts 2025." in page
    assert "Konference 2024" in done and "Konference 2024" not in waiting


def test_the_invoice_page_states_the_bookkeeping_rule(client, conference):
    client.force_login(StaffFactory())
    invoice = Invoice.objects.get()

    page = text(client.get(reverse("admin:invoicing_invoice_change", args=[invoice.pk])))

    assert (
        "Gemmes til: Gemmes uændret til og med 31. december 2029; derefter fjernes personnavnene."
    ) in page


def test_the_dashboard_of_an_anonymised_event_shows_the_same_numbers(client, conference):
    client.force_login(StaffFactory())
    event = conference["event"]
    with time_machine.travel(local(2025, 1, 15, 12), tick=False):
        before = dashboard(client, event)
    with time_machine.travel(local(2025, 3, 11, 12), tick=False):
        retention.sweep()
        after = dashboard(client, event)

    assert after == before
    assert "1 afmeldinger 1 overdragelser 1 tjekket ind" in after


def test_the_demo_2016_conference_is_anonymised_and_still_adds_up(client, db):
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", password="demo-password", stdout=StringIO())
        client.force_login(StaffFactory())
        conference = Event.objects.get(slug=CONFERENCE)
        page = dashboard(client, conference)
        no_shows = text(client.get(reverse("staff:no_shows", args=[conference.pk])))

    assert conference.anonymised_at == TODAY
    people = Participant.objects.filter(event=conference)
    assert set(people.values_list("name", "phone", "job_title")) == {("Anonymiseret", "", "")}
    assert people.count() == 24
    assert "24 bekræftede" in page and "20 tjekket ind" in page
    assert no_shows.count("Anonymiseret") == 4
    # The events ahead keep their participants.
    upcoming = Event.objects.get(slug=UPCOMING)
    assert upcoming.anonymised_at is None
    assert not upcoming.participants.filter(name="Anonymiseret").exists()
    assert retention.anonymise_at(upcoming) == local(2027, 5, 1, 16)
