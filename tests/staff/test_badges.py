import datetime as dt
import io
import re

import pytest
import segno
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import EventFactory, StaffFactory, UserFactory, register_people
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration
from tilmeld.registrations.services.checkin import checkin_code
from tilmeld.staff.badges import LAYOUTS, badge_html, fitting_size, qr_data_uri

pytestmark = pytest.mark.django_db

LONG_NAME = "Anne-Marie Østergaard Bækgaard-Kristiansen Lykkegård"
LONG_WORD = "Christiansen-Østergaard-Frederiksberg-Bækgaard"
LONG_ORGANISATION = "Københavns Biblioteker, Kultur- og Fritidsforvaltningen, Center for Læring"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def book(event, *people):
    persons = [
        Person(name, f"{name.lower().replace(' ', '.')}@example.org", organisation)
        for name, organisation in people
    ]
    booking = register(event, booker=Booker("Bo", "bo@example.org"), people=persons, language="da")
    return list(booking.participants.order_by("id"))


def pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()).strip() for page in reader.pages]


def badges_url(event, **params):
    url = reverse("staff:badges", kwargs={"event_id": event.pk})
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return f"{url}?{query}" if query else url


def test_badges_show_confirmed_names_by_surname_without_secrets(staff_client, site):
    event = EventFactory(title_da="Bibliotekernes Årsmøde", capacity=4)
    people = book(
        event,
        ("Kaj Åberg", "Aabenraa Bibliotekerne"),
        ("Åse Ørum", "Aalborg Bibliotekerne"),
        ("Bo Berg", "Vejle Bibliotekerne"),
        ("Anne Hansen", ""),
        ("Venter Venteliste", "Odense"),
    )

    response = staff_client.get(badges_url(event))

    [page] = pdf_pages(response)
    assert page.startswith("BIBLIOTEKERNES ÅRSMØDE Bo Berg")
    names = ["Bo Berg", "Anne Hansen", "Åse Ørum", "Kaj Åberg"]  # Danish: Ø before Å
    assert sorted(names, key=page.index) == names
    assert "Åse Ørum Aalborg Bibliotekerne" in page
    assert "Venter" not in page
    assert response["Content-Disposition"] == f'inline; filename="{event.slug}-badges.pdf"'
    for participant in people:
        assert participant.email not in page
        assert participant.manage_token.encode() not in response.content
        assert participant.manage_token not in page
    assert people[0].booking.manage_token.encode() not in response.content
    assert b"@example.org" not in response.content


def test_badge_qr_code_holds_the_check_in_code_only(site):
    event = EventFactory()
    [anne] = book(event, ("Anne Hansen", "Vejle"))

    html = badge_html(event, [anne])

    assert qr_data_uri(checkin_code(anne)) in html
    assert anne.manage_token not in html
    assert anne.email not in html


def test_cancelled_participants_get_no_badge(staff_client, site):
    event = EventFactory()
    anne, _bo = book(event, ("Anne", ""), ("Bo", ""))
    cancel_registration(anne, by=None)

    [page] = pdf_pages(staff_client.get(badges_url(event)))

    assert "Bo" in page
    assert "Anne" not in page


def test_one_participant_can_be_printed_alone(staff_client, site):
    event = EventFactory()
    _anne, bo = book(event, ("Anne Hansen", ""), ("Bo Berg", "Vejle"))

    [page] = pdf_pages(staff_client.get(badges_url(event, participant=bo.pk)))

    assert page.endswith("Bo Berg Vejle")
    assert "Anne" not in page


def test_only_those_registered_since_are_printed(staff_client, site):
    event = EventFactory(registration_opens_at=timezone.now() - dt.timedelta(days=10))
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        book(event, ("Anne Hansen", ""))
    book(event, ("Bo Berg", ""))
    since = timezone.localtime() - dt.timedelta(days=1)

    [page] = pdf_pages(staff_client.get(badges_url(event, since=since.strftime("%Y-%m-%dT%H:%M"))))

    assert "Bo Berg" in page
    assert "Anne" not in page


@pytest.mark.parametrize(("layout", "pages"), [("2x4", [8, 3]), ("2x5", [10, 1])])
def test_layouts_put_8_or_10_on_a_sheet(staff_client, site, layout, pages):
    event = EventFactory(title_da="Dag")
    for start in (0, 6):
        book(event, *((f"Person {n:02}", "") for n in range(start, min(start + 6, 11))))

    texts = pdf_pages(staff_client.get(badges_url(event, layout=layout)))

    assert [text.count("Person") for text in texts] == pages
    assert texts[0].startswith("DAG Person 00 DAG Person 01")


def test_long_names_shrink_and_wrap_between_words(site):
    """The names and organisations stay within two lines and no word is cut in two."""
    from weasyprint import HTML

    event = EventFactory(title_da="Konference om biblioteker, læring og demokrati i Danmark 2026")
    people = book(
        event,
        (LONG_NAME, LONG_ORGANISATION),
        (LONG_WORD, "Aarhus"),
        ("Bo", "Ærø"),
    )

    for layout in LAYOUTS:
        document = HTML(string=badge_html(event, people, layout=layout)).render()
        boxes = list(_boxes_with_class(document.pages[0]._page_box, {"name", "organisation"}))
        names = [box for kind, box in boxes if kind == "name"]
        assert len(names) == 3
        texts = {p.name for p in people} | {p.organisation for p in people}
        for kind, box in boxes:
            lines = [_line_text(line) for line in box.children]
            assert 1 <= len(lines) <= 2, (layout, kind, lines)
            assert _joined(lines) in texts, (layout, kind, lines)


def _boxes_with_class(box, classes):
    element = getattr(box, "element", None)
    kind = (element.get("class") or "") if element is not None else ""
    if kind in classes and type(box).__name__ == "BlockBox":
        yield kind, box
        return
    for child in getattr(box, "children", []):
        yield from _boxes_with_class(child, classes)


def _joined(lines) -> str:
    """The lines as one text again: a break after a hyphen adds no space."""
    text = lines[0]
    for line in lines[1:]:
        text += line if text.endswith("-") else " " + line
    return text


def _line_text(line) -> str:
    if hasattr(line, "text"):
        return line.text
    return "".join(_line_text(child) for child in getattr(line, "children", [])).strip()


def test_fitting_size_keeps_short_names_large_and_shrinks_long_ones():
    layout = LAYOUTS["2x4"]

    def size(name):
        return fitting_size(name, layout.name_sizes, width_mm=layout.text_width_mm, max_lines=2)

    assert size("Bo") == 26
    assert size("Anne Hansen") == 26
    assert 13.5 <= size(LONG_NAME) < 22
    assert size(LONG_WORD) < size("Christiansen")
    assert size("x" * 300) == layout.name_sizes[-1]


def test_no_matching_participants_shows_a_page_not_an_empty_pdf(staff_client, site):
    event = EventFactory()

    response = staff_client.get(badges_url(event))

    assert response.status_code == 200
    assert "Ingen bekræftede deltagere passer til udvalget" in response.content.decode()


def test_invalid_filter_is_refused(staff_client, site):
    event = EventFactory()
    book(event, ("Anne", ""))

    response = staff_client.get(badges_url(event, since="igår", layout="3x3"))

    assert response.status_code == 400
    assert "Udvalget af navneskilte er ikke gyldigt." in response.content.decode()


def test_badges_require_staff(client, site):
    event = EventFactory()
    book(event, ("Anne", ""))
    client.force_login(UserFactory())

    response = client.get(badges_url(event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_badges_query_count_is_the_same_for_1_and_3(staff_client, site):
    one, three = EventFactory(), EventFactory()
    book(one, ("A", ""))
    book(three, ("A", ""), ("B", ""), ("C", ""))

    def queries(event):
        with CaptureQueriesContext(connection) as captured:
            staff_client.get(badges_url(event))
        return len(captured)

    assert queries(one) == queries(three)
    assert Participant.objects.count() == 4


# The confirmation mail carries the code


def test_confirmation_mail_shows_the_check_in_code_inline(site, settings, mailoutbox):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    event = EventFactory(capacity=1)

    anne, bo = register_people(event, "Anne", "Bo")

    confirmation, waiting, summary = mailoutbox
    [ics, image] = confirmation.attachments
    expected = io.BytesIO()
    segno.make_qr(checkin_code(anne), error="m").save(expected, kind="png", scale=6, border=4)
    anne_to, bo_to = [f"Anne <{anne.email}>"], [f"Bo <{bo.email}>"]
    assert [m.to for m in mailoutbox] == [anne_to, bo_to, anne_to]  # the last is the booker's
    assert ics[0] == f"{event.slug}.ics"
    assert image["Content-ID"] == "<checkin-qr>"
    assert image.get_payload(decode=True) == expected.getvalue()
    assert '<img src="cid:checkin-qr"' in confirmation.alternatives[0][0]
    assert "Vis den vedhæftede QR-kode (checkin.png) ved indgangen" in confirmation.body
    assert waiting.attachments == []
    assert "QR-kode" not in waiting.body + summary.body
