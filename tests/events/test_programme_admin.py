"""Entering the programme in the event's admin page: the whole form is posted as a browser would,
and a refused programme saves nothing, neither the sessions nor the event's own fields."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bench.loadgen import form_values
from tests.core.pages import content, local, squeeze, url
from tests.factories import EventFactory, SessionFactory, SpeakerFactory, StaffFactory
from tilmeld.core.uploads import MAX_PDF_BYTES
from tilmeld.events.models import Event, Session

pytestmark = pytest.mark.django_db

DAY = "23.05.2016"  # the admin in Danish reads and writes dates as dd.mm.yyyy


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory())
    return client


def conference(**fields):
    """23 May 2016 9.30–16.00, 100 seats."""
    return EventFactory(
        **{
            "title_da": "Konference om samarbejde",
            "starts_at": local(2016, 5, 23, 9, 30),
            "ends_at": local(2016, 5, 23, 16),
            "registration_opens_at": local(2016, 4, 18, 12),
            "registration_closes_at": local(2016, 5, 18, 12),
            "capacity": 100,
            **fields,
        }
    )


def rendered_form(page: str, form_id: str = "event_form") -> dict[str, list[str]]:
    return form_values(page, form_id)


def change_url(event):
    return url("admin:events_event_change", "da", object_id=event.pk)


def post_change_form(client, event, *rows, files=None, **changes):
    """Posts the event's change page as rendered, with `rows` added as new programme lines.

    A row is a dict: start, end (hh:mm on 23 May), title, and optionally room, kind, capacity,
    speakers (a list of Speaker), day (dd.mm.yyyy).
    """
    page = content(client.get(change_url(event)))
    data = rendered_form(page)
    existing = int(data["sessions-TOTAL_FORMS"][0])
    for offset, row in enumerate(rows):
        prefix = f"sessions-{existing + offset}"
        data |= {
            f"{prefix}-event": [str(event.pk)],
            f"{prefix}-starts_at_0": [row.get("day", DAY)],
            f"{prefix}-starts_at_1": [row["start"]],
            f"{prefix}-ends_at_0": [row.get("day", DAY)],
            f"{prefix}-ends_at_1": [row["end"]],
            f"{prefix}-title_da": [row["title"]],
            f"{prefix}-title_en": [row.get("title_en", "")],
            f"{prefix}-kind": [row.get("kind", "talk")],
            f"{prefix}-room": [row.get("room", "")],
            f"{prefix}-speakers": [str(s.pk) for s in row.get("speakers", [])],
            f"{prefix}-capacity": [str(row.get("capacity", ""))],
            f"{prefix}-description_da": [""],
            f"{prefix}-description_en": [""],
        }
    data["sessions-TOTAL_FORMS"] = [str(existing + len(rows))]
    data |= {name: [value] for name, value in changes.items()}
    data["_save"] = ["Gem"]
    return client.post(change_url(event), data | (files or {}))


def errors_before(page: str, name: str) -> list[str]:
    """The error messages the admin shows right before the input `name` (or its date part)."""
    match = re.search(
        rf'<ul class="errorlist"[^>]*>((?:(?!</ul>).)*)</ul>(?:(?!<ul class="errorlist").)*?'
        rf'<(?:input|select|textarea) [^>]*name="{name}(?:_0)?"',
        page,
        re.DOTALL,
    )
    return [squeeze(li) for li in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


def programme_errors(page: str) -> list[str]:
    """The errors shown above the programme inline."""
    match = re.search(r'<ul class="errorlist nonform"[^>]*>(.*?)</ul>', page, re.DOTALL)
    return [squeeze(li) for li in re.findall(r"<li>(.*?)</li>", match.group(1))] if match else []


def saved_programme(event):
    return list(
        Session.objects.filter(event=event)
        .order_by("starts_at", "room")
        .values_list("title_da", "starts_at", "ends_at", "room", "kind", "capacity")
    )


def test_change_page_renders_the_programme_inline(staff_client):
    event = conference()
    SessionFactory(event=event, title_da="Velkomst", room="Store sal")

    values = rendered_form(content(staff_client.get(change_url(event))))

    assert values["sessions-TOTAL_FORMS"] == ["1"]
    assert values["sessions-0-title_da"] == ["Velkomst"]
    assert values["sessions-0-starts_at_0"] == [DAY]
    assert values["sessions-0-starts_at_1"] == ["09:30:00"]


def test_admin_saves_a_valid_programme(staff_client):
    event = conference()
    anna, bo = SpeakerFactory(name="Anna Jensen"), SpeakerFactory(name="Bo Nielsen")

    response = post_change_form(
        staff_client,
        event,
        {"start": "09:30", "end": "10:00", "title": "Velkomst", "room": "Store sal",
         "speakers": [anna]},
        {"start": "10:00", "end": "11:00", "title": "Læsning", "room": "Lokale 1",
         "kind": "workshop", "capacity": 40, "speakers": [bo]},
        {"start": "10:00", "end": "11:00", "title": "Data", "room": "Lokale 2",
         "kind": "workshop", "capacity": 100, "speakers": [anna, bo]},
        {"start": "11:00", "end": "16:00", "title": "Frokost og resten", "room": "Store sal",
         "kind": "meal"},
    )  # fmt: skip

    assert response.status_code == 302, programme_errors(content(response))
    assert saved_programme(event) == [
        ("Velkomst", local(2016, 5, 23, 9, 30), local(2016, 5, 23, 10), "Store sal", "talk", None),
        ("Læsning", local(2016, 5, 23, 10), local(2016, 5, 23, 11), "Lokale 1", "workshop", 40),
        ("Data", local(2016, 5, 23, 10), local(2016, 5, 23, 11), "Lokale 2", "workshop", 100),
        ("Frokost og resten", local(2016, 5, 23, 11), local(2016, 5, 23, 16), "Store sal", "meal",
         None),
    ]  # fmt: skip
    data = Session.objects.get(title_da="Data")
    assert sorted(s.name for s in data.speakers.all()) == ["Anna Jensen", "Bo Nielsen"]


def assert_refused(response, event, *, sessions_before: int):
    """The page comes back with the programme's own message and nothing is stored."""
    page = content(response)
    assert response.status_code == 200
    assert programme_errors(page) == ["Ret venligst programmet herunder."]
    assert Session.objects.filter(event=event).count() == sessions_before
    assert Event.objects.get(pk=event.pk).title_da == "Konference om samarbejde"
    return page


@pytest.mark.parametrize(
    ("start", "end", "day"),
    [("08:00", "09:45", DAY), ("15:30", "16:30", DAY), ("10:00", "11:00", "24.05.2016")],
    ids=["starts-before", "ends-after", "next-day"],
)
def test_admin_refuses_a_session_outside_the_event(staff_client, start, end, day):
    event = conference()

    response = post_change_form(
        staff_client,
        event,
        {"start": start, "end": end, "day": day, "title": "For tidligt eller for sent"},
        title_da="Ændret titel",
    )

    page = assert_refused(response, event, sessions_before=0)
    assert errors_before(page, "sessions-0-starts_at") == [
        "Programpunktet skal ligge inden for arrangementets tidsrum."
    ]


def test_admin_refuses_two_sessions_at_once_in_one_room(staff_client):
    event = conference()

    response = post_change_form(
        staff_client,
        event,
        {"start": "10:00", "end": "11:00", "title": "Oplæg A", "room": "Sal A"},
        {"start": "10:30", "end": "11:30", "title": "Oplæg B", "room": "Sal A"},
        title_da="Ændret titel",
    )

    page = assert_refused(response, event, sessions_before=0)
    assert errors_before(page, "sessions-0-room") == []
    assert errors_before(page, "sessions-1-room") == [
        "Sal A har allerede »Oplæg A« på det tidspunkt."
    ]


def test_admin_refuses_a_new_session_overlapping_a_saved_one_in_its_room(staff_client):
    event = conference()
    SessionFactory(
        event=event,
        title_da="Velkomst",
        room="Store sal",
        starts_at=local(2016, 5, 23, 9, 30),
        ends_at=local(2016, 5, 23, 10, 30),
    )

    response = post_change_form(
        staff_client,
        event,
        {"start": "10:00", "end": "11:00", "title": "For tidligt", "room": "Store sal"},
        title_da="Ændret titel",
    )

    page = assert_refused(response, event, sessions_before=1)
    assert errors_before(page, "sessions-1-room") == [
        "Store sal har allerede »Velkomst« på det tidspunkt."
    ]


def test_admin_refuses_shortening_the_event_past_a_saved_session(staff_client):
    event = conference()
    SessionFactory(
        event=event,
        title_da="Afslutning",
        starts_at=local(2016, 5, 23, 15),
        ends_at=local(2016, 5, 23, 16),
    )

    response = post_change_form(staff_client, event, ends_at_1="12:00")

    page = content(response)
    assert response.status_code == 200
    assert errors_before(page, "sessions-0-starts_at") == [
        "Programpunktet skal ligge inden for arrangementets tidsrum."
    ]
    assert Event.objects.get(pk=event.pk).ends_at == local(2016, 5, 23, 16)


def test_admin_allows_back_to_back_sessions_in_one_room(staff_client):
    event = conference()

    response = post_change_form(
        staff_client,
        event,
        {"start": "10:00", "end": "11:00", "title": "Oplæg A", "room": "Sal A"},
        {"start": "11:00", "end": "12:00", "title": "Oplæg B", "room": "Sal A"},
    )

    assert response.status_code == 302
    assert Session.objects.filter(event=event).count() == 2


def test_admin_refuses_a_session_with_more_seats_than_the_event(staff_client):
    event = conference(capacity=100)

    response = post_change_form(
        staff_client,
        event,
        {"start": "10:00", "end": "11:00", "title": "Workshop", "kind": "workshop",
         "capacity": 120},
        title_da="Ændret titel",
    )  # fmt: skip

    page = assert_refused(response, event, sessions_before=0)
    assert errors_before(page, "sessions-0-capacity") == [
        "Et programpunkt kan ikke have flere pladser (120) end arrangementet (100)."
    ]


def test_admin_refuses_a_session_that_ends_before_it_starts(staff_client):
    event = conference()

    response = post_change_form(
        staff_client,
        event,
        {"start": "11:00", "end": "10:00", "title": "Baglæns"},
        title_da="Ændret titel",
    )

    page = content(response)
    assert response.status_code == 200
    assert errors_before(page, "sessions-0-ends_at") == [
        "Programpunktet skal slutte, efter det begynder."
    ]
    assert Session.objects.filter(event=event).count() == 0
    assert Event.objects.get(pk=event.pk).title_da == "Konference om samarbejde"


def test_admin_explains_end_before_start_like_the_other_programme_errors(staff_client):
    event = conference()

    response = post_change_form(
        staff_client, event, {"start": "11:00", "end": "10:00", "title": "Baglæns"}
    )

    page = content(response)
    assert "session_ends_after_start" not in page
    assert programme_errors(page) == ["Ret venligst programmet herunder."]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("program.pdf", b"<html>not a pdf</html>"), "Filen er ikke en PDF."),
        (SimpleUploadedFile("program.docx", b"PK\x03\x04 a word file"), "Filen er ikke en PDF."),
    ],
    ids=["html-named-pdf", "docx"],
)
def test_admin_refuses_a_programme_file_that_is_not_a_pdf(staff_client, upload, message):
    event = conference()

    response = post_change_form(
        staff_client, event, files={"programme_file": upload}, title_da="Ændret titel"
    )

    page = content(response)
    assert response.status_code == 200
    assert errors_before(page, "programme_file") == [message]
    event.refresh_from_db()
    assert (event.programme_file.name, event.title_da) == ("", "Konference om samarbejde")


def test_admin_refuses_a_programme_file_over_20_mb(staff_client, tmp_path):
    event = conference()
    big = tmp_path / "program.pdf"
    with big.open("wb") as file:
        file.write(b"%PDF-1.4\n")
        file.truncate(MAX_PDF_BYTES + 1)  # sparse: no 20 MB written to the disk

    with big.open("rb") as upload:
        response = post_change_form(staff_client, event, files={"programme_file": upload})

    assert response.status_code == 200
    assert errors_before(content(response), "programme_file") == ["Filen må højst fylde 20 MB."]
    event.refresh_from_db()
    assert event.programme_file.name == ""


def test_admin_accepts_a_pdf_programme_file(staff_client):
    event = conference()
    upload = SimpleUploadedFile("program.pdf", b"%PDF-1.4\n%%EOF\n")

    response = post_change_form(staff_client, event, files={"programme_file": upload})

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.programme_file.name == "programmes/program.pdf"
    assert event.programme_file.read() == b"%PDF-1.4\n%%EOF\n"
