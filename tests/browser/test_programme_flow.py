"""A participant reads an event's programme, takes it home as PDF and calendar entries, and
registers for one of three parallel workshops, in real Chromium with axe-core checks."""

import datetime as dt
import io
import re
from pathlib import Path

from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.factories import EventFactory, SiteSettingsFactory
from tilmeld.events.models import Session, Speaker
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services.booking import Booker, Person, register

WORKSHOPS = [  # title, room, seats, speaker
    ("Læseklubber for voksne", "Lokale 1", 5, "Mette Holm"),
    ("Makerspace på biblioteket", "Lokale 2", 5, "Jonas Dahl"),
    ("Data om udlån", "Lokale 3", 1, "Sara Lund"),
]


def _programme_event():
    """A plenary talk at 9.30 and three parallel workshops at 10.30; the last has one seat,
    taken already."""
    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag", slug="bibliotekernes-dag", capacity=50)
    welcome = event.starts_at
    Session.objects.create(
        event=event,
        title_da="Velkomst",
        kind="talk",
        starts_at=welcome,
        ends_at=welcome + dt.timedelta(minutes=45),
    )
    parallel = event.starts_at.replace(hour=10, minute=30)
    sessions = []
    for title, room, seats, name in WORKSHOPS:
        session = Session.objects.create(
            event=event,
            title_da=title,
            description_da=f"Om {title.lower()}.",
            kind="workshop",
            room=room,
            capacity=seats,
            starts_at=parallel,
            ends_at=parallel + dt.timedelta(hours=1, minutes=30),
        )
        speaker = Speaker.objects.create(
            name=name, job_title_da="Bibliotekar", organisation="Vejle Bibliotekerne"
        )
        session.speakers.set([speaker])
        sessions.append(session)
    _take_seat(sessions[2], "Ea Eskildsen")
    return event, sessions


def _take_seat(session, name):
    """Someone else holds the only seat in `session` (through the registration service)."""
    email = f"{name.split()[0].lower()}@example.org"
    register(
        session.event,
        booker=Booker(name, email),
        people=[Person(name, email, sessions=[session.pk])],
        language="da",
    )


def test_participant_reads_the_programme_and_takes_it_home(page, axe):
    event, sessions = _programme_event()

    page.goto(event.get_absolute_url())

    programme = page.get_by_role("region", name="Program")
    expect(programme.locator(".slot-time")).to_have_text(["kl. 9.30", "kl. 10.30"])
    parallel = programme.locator(".slot-parallel .session")
    expect(parallel.locator(".session-title")).to_have_text([w[0] for w in WORKSHOPS])
    expect(parallel.locator(".session-meta")).to_have_text(
        [
            "kl. 10.30–12.00 · Lokale 1 · Workshop · 5 ledige pladser",
            "kl. 10.30–12.00 · Lokale 2 · Workshop · 5 ledige pladser",
            "kl. 10.30–12.00 · Lokale 3 · Workshop · Fuldt",
        ],
        use_inner_text=True,
    )
    expect(parallel.locator(".session-speakers")).to_have_text(
        [
            "Mette Holm (Bibliotekar, Vejle Bibliotekerne)",
            "Jonas Dahl (Bibliotekar, Vejle Bibliotekerne)",
            "Sara Lund (Bibliotekar, Vejle Bibliotekerne)",
        ]
    )
    speakers = page.get_by_role("region", name="Oplægsholdere")
    expect(speakers.get_by_role("heading", level=3)).to_have_text(
        ["Mette Holm", "Jonas Dahl", "Sara Lund"]
    )
    axe(page)

    pdf_link = programme.get_by_role("link", name="Hent programmet (PDF)")
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert (pdf.status, pdf.headers["content-type"]) == (200, "application/pdf")
    assert pdf.body()[:5] == b"%PDF-"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert all(title in " ".join(text.split()) for title, *_ in WORKSHOPS)

    with page.expect_download() as download_info:
        calendar = re.compile(r"^Føj til kalender\s*: Makerspace på biblioteket$")
        programme.get_by_role("link", name=calendar).click()
    download = download_info.value
    assert download.suggested_filename == f"{event.slug}-{sessions[1].pk}.ics"
    unfolded = Path(download.path()).read_bytes().decode().replace("\r\n ", "")
    assert "SUMMARY:Makerspace på biblioteket – Bibliotekernes dag\r\n" in unfolded
    assert (
        "LOCATION:Lokale 2\\, Den Blå Planet\\, Jacob Fortlings Vej 1\\, 2770 Kastrup\r\n"
        in unfolded
    )


def test_programme_on_a_phone(phone_page, axe):
    event, _sessions = _programme_event()

    phone_page.goto(event.get_absolute_url())

    programme = phone_page.get_by_role("region", name="Program")
    expect(programme.get_by_role("heading", name="Makerspace på biblioteket")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # no sideways scrolling on a phone
    axe(phone_page)


def test_participant_registers_choosing_a_workshop(page, axe):
    event, sessions = _programme_event()

    page.goto(event.get_absolute_url())
    page.get_by_role("link", name="Tilmeld", exact=True).click()
    choice = page.get_by_role("group", name="Programpunkt kl. 10.30")
    expect(choice.get_by_role("radio")).to_have_count(3)
    expect(choice.get_by_label("Data om udlån")).to_be_disabled()
    expect(choice.get_by_label("Makerspace på biblioteket")).to_be_enabled()
    axe(page)
    page.get_by_label("Navn").fill("Anne Hansen")
    page.get_by_label("E-mail").fill("anne@example.org")
    choice.get_by_label("Makerspace på biblioteket").check()
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.get_by_role("button", name="Tilmeld").click()

    page.get_by_text("Tak. Tilmeldingen er bekræftet").wait_for()
    anne = Participant.objects.get(email="anne@example.org")
    assert [(c.session_id, c.holds_seat) for c in anne.session_choices.all()] == [
        (sessions[1].pk, True)
    ]
    page.goto(anne.get_manage_url())
    expect(page.get_by_role("region", name="Dine programpunkter")).to_contain_text(
        "Makerspace på biblioteket · Lokale 2"
    )
    axe(page)


def test_missing_workshop_choice_is_shown_on_a_phone(phone_page, axe):
    event, _sessions = _programme_event()

    phone_page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    phone_page.get_by_label("Navn").fill("Anne Hansen")
    phone_page.get_by_label("E-mail").fill("anne@example.org")
    phone_page.get_by_label("Jeg har læst privatlivspolitikken").check()
    phone_page.get_by_role("button", name="Tilmeld", exact=True).click()

    expect(phone_page.locator("#id_session_0_error")).to_have_text("Dette felt er påkrævet.")
    choice = phone_page.get_by_role("group", name="Programpunkt kl. 10.30")
    expect(choice).to_have_attribute("aria-describedby", re.compile(r"\bid_session_0_error\b"))
    axe(phone_page)
    assert not Participant.objects.filter(email="anne@example.org").exists()
