"""The programme: the timetable on the event page, the generated PDF and the calendars."""

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from pypdf import PdfReader

from tests.core.pages import content, element, local, squeeze, url
from tests.factories import EventFactory, SessionFactory, SpeakerFactory
from tilmeld.events.models import Speaker
from tilmeld.events.programme_pdf import FOLDER

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "programme"


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Generated PDFs go to this test's own folder, so the stored files counted are its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


def conference(**fields):
    """The 2016 conference at Den Blå Planet, 23 May 9.30–16.00."""
    return EventFactory(
        **{
            "title_da": "Konference om samarbejde",
            "title_en": "Conference on cooperation",
            "starts_at": local(2016, 5, 23, 9, 30),
            "ends_at": local(2016, 5, 23, 16),
            "published_at": local(2016, 4, 18, 10),
            **fields,
        }
    )


def at(hour, minute=0):
    return local(2016, 5, 23, hour, minute)


# start, end, Danish title, English title, kind, room, speakers (a: Anna, b: Bo)
SESSIONS = [
    ((9, 30), (10, 0), "Velkomst", "Welcome", "talk", "Store sal", "a"),
    ((10, 0), (11, 0), "Læsning for alle", "Reading for everyone", "workshop", "Lokale 1", "b"),
    ((10, 0), (11, 0), "Data i biblioteket", "Data in the library", "workshop", "Lokale 2", "ab"),
    ((11, 0), (11, 45), "Frokost", "Lunch", "meal", "Kantinen", ""),
]


def programme(event):
    """Anna welcomes; Bo gives both parallel workshops, Anna joins him in one; then lunch."""
    speakers = {
        "a": SpeakerFactory(
            name="Anna Jensen",
            job_title_da="Direktør",
            job_title_en="Director",
            organisation="Danmarks Biblioteksforening",
        ),
        "b": SpeakerFactory(
            name="Bo Nielsen",
            job_title_da="Bibliotekar",
            job_title_en="Librarian",
            organisation="Tårnby Bibliotek",
            bio_da="Bo arbejder med læsefremme.",
        ),
    }
    return [
        SessionFactory(
            event=event,
            starts_at=at(*start),
            ends_at=at(*end),
            title_da=title_da,
            title_en=title_en,
            kind=kind,
            room=room,
            speakers=[speakers[key] for key in keys],
        )
        for start, end, title_da, title_en, kind, room, keys in SESSIONS
    ]


def timetable(page):
    """Each slot of the timetable as (its time, whether it is parallel, its session titles)."""
    slots = re.findall(
        r'<li class="slot( slot-parallel)?">.*?<time [^>]*>(.*?)</time>(.*?)</ul>', page, re.DOTALL
    )
    return [
        (time, bool(parallel), re.findall(r'<h3 class="session-title">(.*?)</h3>', sessions))
        for parallel, time, sessions in slots
    ]


def sessions_text(page, css_class):
    """The visible text of every <p class="css_class"> in the timetable, in page order."""
    return [squeeze(p) for p in re.findall(rf'<p class="{css_class}">(.*?)</p>', page, re.DOTALL)]


def pdf_lines(data: bytes) -> str:
    """The PDF's text as pypdf extracts it. pypdf reads WeasyPrint's bold font as one-byte codes
    and puts a NUL before each letter ("\\x00V\\x00e..."), so the NULs are dropped."""
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\x00", "")


def pdf_text(data: bytes) -> str:
    """The PDF's text on one line. Table cells follow each other without a space between them."""
    return " ".join(pdf_lines(data).split())


def in_order(text: str, phrases: list[str]) -> bool:
    """Whether each phrase occurs in the text after the one before it."""
    position = 0
    for phrase in phrases:
        position = text.find(phrase, position)
        if position == -1:
            return False
        position += len(phrase)
    return True


def generated_files():
    try:
        return sorted(default_storage.listdir(FOLDER)[1])
    except FileNotFoundError:
        return []


# The event page


def test_event_page_shows_the_timetable_in_slots_with_danish_times(client, site):
    event = conference()
    programme(event)

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert timetable(page) == [
        ("kl. 9.30", False, ["Velkomst"]),
        ("kl. 10.00", True, ["Læsning for alle", "Data i biblioteket"]),
        ("kl. 11.00", False, ["Frokost"]),
    ]
    assert sessions_text(page, "session-meta") == [
        "kl. 9.30–10.00 · Store sal",
        "kl. 10.00–11.00 · Lokale 1 · Workshop",
        "kl. 10.00–11.00 · Lokale 2 · Workshop",
        "kl. 11.00–11.45 · Kantinen · Måltid",
    ]
    assert sessions_text(page, "session-speakers") == [
        "Anna Jensen (Direktør, Danmarks Biblioteksforening)",
        "Bo Nielsen (Bibliotekar, Tårnby Bibliotek)",
        "Anna Jensen (Direktør, Danmarks Biblioteksforening), "
        "Bo Nielsen (Bibliotekar, Tårnby Bibliotek)",
    ]
    assert '<p class="visually-hidden">2 programpunkter på samme tid</p>' in page


def test_a_session_title_shown_in_danish_on_the_english_page_is_marked_danish(client, site):
    event = conference()
    SessionFactory(event=event, title_da="Borgerinddragelse", title_en="")
    SessionFactory(event=event, title_da="Velkomst", title_en="Welcome")

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    # The card's words hyphenate in their own language (site.css: hyphens: auto).
    assert re.findall(r'<h3 class="session-title"([^>]*)>([^<]*)<', page) == [
        (' lang="da"', "Borgerinddragelse"),
        ("", "Welcome"),
    ]


def test_event_page_shows_the_timetable_in_english(client, site):
    event = conference()
    programme(event)

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert timetable(page) == [
        ("9:30", False, ["Welcome"]),
        ("10:00", True, ["Reading for everyone", "Data in the library"]),
        ("11:00", False, ["Lunch"]),
    ]
    assert sessions_text(page, "session-speakers")[0] == (
        "Anna Jensen (Director, Danmarks Biblioteksforening)"
    )


def test_event_page_lists_each_speaker_once_in_order_of_appearance(client, site):
    event = conference()
    programme(event)

    page = content(client.get(url("events:detail", slug=event.slug)))

    speakers = element(page, "section", "speakers")
    assert re.findall(r'<h3 class="speaker-name">(.*?)</h3>', speakers) == [
        "Anna Jensen",
        "Bo Nielsen",
    ]
    assert squeeze(speakers).endswith(
        "Bo Nielsen Bibliotekar, Tårnby Bibliotek Bo arbejder med læsefremme."
    )


def test_event_page_without_sessions_has_no_timetable(client, site):
    event = conference()

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert 'class="programme"' not in page
    assert 'class="speakers"' not in page
    assert url("events:programme_pdf", slug=event.slug) not in page


@pytest.mark.parametrize("count", [1, 3])
def test_event_page_query_count_does_not_grow_with_sessions(
    client, site, django_assert_num_queries, count
):
    event = conference()
    for hour in range(10, 10 + count):
        SessionFactory(
            event=event,
            starts_at=at(hour),
            ends_at=at(hour, 45),
            speakers=SpeakerFactory.create_batch(2),
            capacity=30,
        )

    # event with venue, organiser and seat count; co-organisers; sessions; their speakers;
    # the sessions with seats and their seat counts (free seats); site settings; footer pages;
    # the prices and the options (listed when the event has any)
    with django_assert_num_queries(10):
        response = client.get(url("events:detail", slug=event.slug))

    page = content(response)
    assert len(re.findall(r'<h3 class="session-title">', page)) == count
    assert len(re.findall(r'<h3 class="speaker-name">', page)) == 2 * count


# The generated PDF


def test_programme_pdf_in_danish_has_titles_speakers_and_danish_dates(client, site):
    event = conference(binding_at=local(2016, 5, 9, 12))
    programme(event)

    with time_machine.travel(local(2016, 5, 1), tick=False):  # printed before the binding date
        response = client.get(url("events:programme_pdf", slug=event.slug))

    text = pdf_text(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-program.pdf"'
    assert text.startswith("Danmarks Biblioteksforening Konference om samarbejde Hvornår")
    assert "23. maj 2016, kl. 9.30–16.00" in text
    assert "Den Blå Planet, Jacob Fortlings Vej 1, 2770 Kastrup" in text
    assert in_order(
        text,
        [
            "kl. 9.30",
            "Velkomst",
            "Anna Jensen, Direktør, Danmarks Biblioteksforening",
            "Store sal",
            "kl. 10.00",
            "Læsning for alle (Workshop)",
            "Bo Nielsen, Bibliotekar, Tårnby Bibliotek",
            "Lokale 1",
            "Data i biblioteket (Workshop)",
            "Anna Jensen, Direktør, Danmarks Biblioteksforening; "
            "Bo Nielsen, Bibliotekar, Tårnby Bibliotek",
            "Lokale 2",
            "kl. 11.00",
            "Frokost",
            "Kantinen",
            "Oplægsholdere",
            "Anna Jensen, Direktør, Danmarks Biblioteksforening",
            "Bo Nielsen, Bibliotekar, Tårnby Bibliotek Bo arbejder med læsefremme.",
            "Tilmeldingen er bindende efter 9. maj 2016, kl. 12.00. "
            "Herefter kan en anden person deltage i stedet for dig.",
        ],
    )
    assert text.count("Anna Jensen") == 3
    assert "Welcome" not in text


def test_programme_pdf_title_is_not_hyphenated(client, site):
    # With hyphens: auto WeasyPrint set this title as "… demo confer‐" / "ence".
    event = conference(title_en="Library of tomorrow: a Danish demo conference")
    programme(event)

    response = client.get(url("events:programme_pdf", "en", slug=event.slug))

    lines = pdf_lines(response.content).splitlines()
    assert lines[1:3] == ["Library of tomorrow: a Danish demo", "conference"]
    assert "\u2010" not in pdf_lines(response.content)  # the hyphen WeasyPrint adds


def test_programme_pdf_in_english_has_english_titles(client, site):
    event = conference()
    programme(event)

    response = client.get(url("events:programme_pdf", "en", slug=event.slug))

    text = pdf_text(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-programme.pdf"'
    assert "23 May 2016, 9:30–16:00" in text
    assert in_order(
        text,
        [
            "Conference on cooperation",
            "9:30",
            "Welcome",
            "Anna Jensen, Director, Danmarks Biblioteksforening",
            "10:00",
            "Reading for everyone (Workshop)",
            "Data in the library (Workshop)",
            "11:00",
            "Lunch",
            "Speakers",
        ],
    )
    assert "Velkomst" not in text
    assert "kl." not in text


def test_programme_pdf_is_served_from_storage_while_nothing_changes(client, site):
    event = conference()
    programme(event)
    link = url("events:programme_pdf", slug=event.slug)
    first = client.get(link)
    [stored] = generated_files()
    path = Path(default_storage.path(f"{FOLDER}/{stored}"))
    written = path.stat().st_mtime_ns

    second = client.get(link)

    assert generated_files() == [stored]
    assert path.stat().st_mtime_ns == written
    assert second.content == first.content == path.read_bytes()
    assert stored.startswith(f"{event.pk}-da-")


def test_programme_pdf_in_each_language_is_stored_separately(client, site):
    event = conference()
    programme(event)

    danish = client.get(url("events:programme_pdf", slug=event.slug))
    english = client.get(url("events:programme_pdf", "en", slug=event.slug))

    assert danish.content != english.content
    assert [name.split("-")[1] for name in generated_files()] == ["da", "en"]


def test_programme_pdf_is_rebuilt_when_a_session_title_changes(client, site):
    event = conference()
    welcome, *_rest = programme(event)
    link = url("events:programme_pdf", slug=event.slug)
    client.get(link)
    [old] = generated_files()
    welcome.title_da = "Velkommen til Ærø"
    welcome.save()

    response = client.get(link)

    [new] = generated_files()
    text = pdf_text(response.content)
    assert new != old
    assert in_order(text, ["kl. 9.30", "Velkommen til Ærø", "kl. 10.00"])
    assert "Velkomst" not in text
    assert Path(default_storage.path(f"{FOLDER}/{new}")).read_bytes() == response.content


def test_programme_pdf_is_rebuilt_when_a_speaker_changes(client, site):
    event = conference()
    programme(event)
    link = url("events:programme_pdf", slug=event.slug)
    client.get(link)
    [old] = generated_files()
    Speaker.objects.filter(name="Bo Nielsen").update(name="Bodil Nielsen")

    response = client.get(link)

    [new] = generated_files()
    assert new != old
    assert "Bodil Nielsen, Bibliotekar" in pdf_text(response.content)


HOSTILE_SESSION = "<script>alert(1)</script> æøå ÆØÅ 🎉"
# Titles hold at most 200 characters, so the longest word a title can have is used here.
LONG_TITLE = "Æ🎉" + "W" * 198


def hostile_event():
    event = conference(title_da=LONG_TITLE)
    SessionFactory(
        event=event, starts_at=at(9, 30), ends_at=at(10), title_da=HOSTILE_SESSION, room="Sal ÆØÅ"
    )
    return event


def test_programme_pdf_with_hostile_titles_shows_them_as_text(client, site):
    event = hostile_event()

    response = client.get(url("events:programme_pdf", slug=event.slug))

    text = pdf_text(response.content)
    assert response["Content-Type"] == "application/pdf"
    assert "<script>alert(1)</script> æøå ÆØÅ" in text
    assert "&lt;" not in text
    assert "Sal ÆØÅ" in text
    # The long word is broken over several lines instead of running off the page.
    runs = [len(run) for run in re.findall(r"W+", pdf_lines(response.content).replace(" ", ""))]
    assert sum(runs) == 198
    assert max(runs) < 60
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_programme_pdf_breaks_a_long_word_in_a_speaker_bio(client, site):
    event = conference()
    SessionFactory(event=event, speakers=[SpeakerFactory(bio_da="x" * 300)])

    response = client.get(url("events:programme_pdf", slug=event.slug))

    runs = [len(run) for run in re.findall(r"x{2,}", pdf_lines(response.content))]
    assert sum(runs) == 300
    assert max(runs) < 150


def test_programme_pdf_of_an_event_over_two_days_names_the_day(client, site):
    event = conference(ends_at=local(2016, 5, 24, 16))
    SessionFactory(event=event, starts_at=at(9, 30), ends_at=at(10), title_da="Første dag")
    SessionFactory(
        event=event,
        starts_at=local(2016, 5, 24, 9, 30),
        ends_at=local(2016, 5, 24, 10),
        title_da="Anden dag",
    )

    response = client.get(url("events:programme_pdf", slug=event.slug))

    timetable_text = pdf_text(response.content).split("Programpunkt Lokale", 1)[1]
    assert in_order(timetable_text, ["23. maj", "Første dag", "24. maj", "Anden dag"])


def test_programme_pdf_first_page_renders_to_png(client, site):
    event = hostile_event()
    response = client.get(url("events:programme_pdf", slug=event.slug))
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        if os.environ.get("TILMELD_REQUIRE_BROWSER") == "1":
            pytest.fail("pdftoppm (poppler-utils) is required")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = ARTIFACTS / "hostile-titles.pdf"
    source.write_bytes(response.content)

    options = ["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"]
    command = [pdftoppm, *options, str(source), str(source.with_suffix(""))]

    subprocess.run(command, check=True, timeout=60)  # noqa: S603 - a fixed command, our own file

    png = source.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 10_000


# The uploaded programme wins over the generated one


def test_programme_download_serves_the_uploaded_file(client, site):
    uploaded = b"%PDF-1.4\n% the programme as staff made it\n%%EOF\n"
    event = conference(programme_file=ContentFile(uploaded, name="program.pdf"))
    programme(event)

    response = client.get(url("events:programme_pdf", slug=event.slug))

    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == uploaded
    assert generated_files() == []


def test_programme_download_without_sessions_or_file_is_not_found(client, site):
    event = conference()

    response = client.get(url("events:programme_pdf", slug=event.slug))

    assert response.status_code == 404
    assert generated_files() == []


def test_programme_download_of_a_draft_is_not_found(client, site):
    event = conference(is_published=False)
    programme(event)

    response = client.get(url("events:programme_pdf", slug=event.slug))

    assert response.status_code == 404
