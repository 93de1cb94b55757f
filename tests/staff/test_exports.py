"""The participant export (CSV and XLSX, streamed) and the door list (PDF) for staff."""

import csv
import datetime as dt
import io
import tempfile
import uuid
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from tests.factories import EventFactory, StaffFactory, UserFactory
from tilmeld.core.collation import surname_key
from tilmeld.events.models import Session
from tilmeld.registrations import exports
from tilmeld.registrations.models import Participant, Question
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration
from tilmeld.staff.exports import export_view, no_fetching

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")
REGISTERED_AT = dt.datetime(2025, 3, 10, 9, 5, tzinfo=CPH)
ALL_FIELDS = ["name", "email", "organisation", "job_title", "phone", "status",
              "waiting_position", "created_at", "booker"]  # fmt: skip


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def workshop(event, title, *, hour):
    starts_at = event.starts_at.replace(hour=hour, minute=0)
    return Session.objects.create(
        event=event,
        title_da=title,
        kind="workshop",
        capacity=10,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
    )


@pytest.fixture
def conference(site):
    """Two seats, three questions, two parallel slots; Anne and Bo confirmed, Cai waiting,
    Dan cancelled from the waiting list."""
    staff = StaffFactory()
    with time_machine.travel(REGISTERED_AT, tick=False):
        event = EventFactory(slug="dagen", capacity=2)
        diet = Question.objects.create(event=event, text="Kost", kind="text", sensitive=True)
        topics = Question.objects.create(
            event=event, text="Emner", kind="multiple", choices="Data\nLæring", position=1
        )
        dinner = Question.objects.create(event=event, text="Middag", kind="yes_no", position=2)
        a1, a2 = workshop(event, "Workshop A1", hour=10), workshop(event, "Workshop A2", hour=10)
        b1 = workshop(event, "Workshop B1", hour=13)
        register(
            event,
            booker=Booker("Berit Booker", "berit@example.org"),
            people=[
                Person(
                    "Anne Holm",
                    "anne@example.org",
                    "Aarhus Bibliotekerne",
                    "Bibliotekar",
                    "12345678",
                    answers={diet.pk: "Vegetar", topics.pk: ["Data", "Læring"], dinner.pk: True},
                    sessions=[a1.pk, b1.pk],
                ),
                Person(
                    "Bo Berg",
                    "bo@example.org",
                    answers={dinner.pk: False},
                    sessions=[a2.pk],
                ),
            ],
            language="da",
            by=staff,  # staff may leave a slot without a choice
        )
        register(
            event,
            booker=Booker("Cai Dahl", "cai.dahl@example.org"),
            people=[
                Person("Cai Dahl", "cai.dahl@example.org"),
                Person("Dan Ege", "dan@example.org"),
            ],
            language="da",
            by=staff,
        )
        cancel_registration(Participant.objects.get(name="Dan Ege"))
    return event


def export_url(event, **params):
    return reverse("staff:export", kwargs={"event_id": event.pk}), {"which": "confirmed"} | params


def download_csv(client, event, **params) -> list[list[str]]:
    url, data = export_url(event, format="csv", **params)
    response = client.get(url, data)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def download_xlsx(client, event, **params) -> list[list]:
    url, data = export_url(event, format="xlsx", **params)
    response = client.get(url, data)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_csv_export_rows_equal_the_data(staff_client, conference):
    questions = list(conference.questions.values_list("pk", flat=True))

    rows = download_csv(
        staff_client,
        conference,
        which="all",
        columns=ALL_FIELDS,
        questions=questions,
        sessions="slots",
    )

    registered = "10. marts 2025, kl. 9.05"
    assert rows == [
        ["Navn", "E-mail", "Organisation", "Stilling", "Telefon", "Status",
         "Plads på ventelisten", "Tilmeldt", "Bestiller", "Bestillers e-mail", "Kost", "Emner",
         "Middag", "Programpunkt kl. 10.00", "Programpunkt kl. 13.00"],
        ["Anne Holm", "anne@example.org", "Aarhus Bibliotekerne", "Bibliotekar", "12345678",
         "Bekræftet", "", registered, "Berit Booker", "berit@example.org", "Vegetar",
         "Data, Læring", "Ja", "Workshop A1", "Workshop B1"],
        ["Bo Berg", "bo@example.org", "", "", "", "Bekræftet", "", registered,
         "Berit Booker", "berit@example.org", "", "", "Nej", "Workshop A2", ""],
        ["Cai Dahl", "cai.dahl@example.org", "", "", "", "Venteliste", "1", registered,
         "Cai Dahl", "cai.dahl@example.org", "", "", "", "", ""],
        ["Dan Ege", "dan@example.org", "", "", "", "Afmeldt", "", registered,
         "Cai Dahl", "cai.dahl@example.org", "", "", "", "", ""],
    ]  # fmt: skip


def test_xlsx_export_rows_equal_the_data(staff_client, conference):
    rows = download_xlsx(
        staff_client,
        conference,
        which="active",
        columns=["name", "status", "waiting_position"],
        sessions="one",
    )

    assert rows == [
        ["Navn", "Status", "Plads på ventelisten", "Programpunkter"],
        ["Anne Holm", "Bekræftet", None, "Workshop A1, Workshop B1"],
        ["Bo Berg", "Bekræftet", None, "Workshop A2"],
        ["Cai Dahl", "Venteliste", 1, None],
    ]


def test_xlsx_export_gives_the_registration_time_as_a_time_to_sort_by(staff_client, conference):
    url, data = export_url(conference, format="xlsx", which="confirmed", columns=["created_at"])
    content = b"".join(staff_client.get(url, data).streaming_content)

    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]

    assert cell.value == REGISTERED_AT.replace(tzinfo=None)  # the time in Copenhagen
    assert cell.is_date
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_an_english_export_names_the_choices_in_english(staff_client, conference):
    topics = conference.questions.get(text_da="Emner")
    topics.text_en, topics.choices_en = "Topics", "Data\nLearning"
    topics.save()

    with translation.override("en"):
        rows = download_csv(staff_client, conference, questions=[topics.pk])

    assert rows[0][-1] == "Topics"
    assert rows[1][-1] == "Data, Learning"


def test_export_has_only_the_chosen_columns(staff_client, conference):
    rows = download_csv(staff_client, conference, which="confirmed", columns=["email", "name"])

    assert rows == [
        ["Navn", "E-mail"],
        ["Anne Holm", "anne@example.org"],
        ["Bo Berg", "bo@example.org"],
    ]


@pytest.mark.parametrize(
    ("which", "names"),
    [
        ("confirmed", ["Anne Holm", "Bo Berg"]),
        ("waiting", ["Cai Dahl"]),
        ("active", ["Anne Holm", "Bo Berg", "Cai Dahl"]),
        ("all", ["Anne Holm", "Bo Berg", "Cai Dahl", "Dan Ege"]),
    ],
)
def test_export_filters_by_status(staff_client, conference, which, names):
    rows = download_xlsx(staff_client, conference, which=which, columns=["name"])

    assert rows == [["Navn"], *([name] for name in names)]


def test_answers_and_sessions_in_one_column_in_english(staff_client, conference):
    topics, dinner = conference.questions.filter(sensitive=False)
    with translation.override("en"):
        url = reverse("staff:export", kwargs={"event_id": conference.pk})
    data = {"format": "csv", "which": "confirmed", "columns": ["name", "status", "created_at"]}
    data |= {"questions": [topics.pk, dinner.pk], "sessions": "one"}

    response = staff_client.get(url, data)

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["Name", "Status", "Registered", "Emner", "Middag", "Sessions"],
        ["Anne Holm", "Confirmed", "10 March 2025, 9:05", "Data, Læring", "Yes",
         "Workshop A1, Workshop B1"],
        ["Bo Berg", "Confirmed", "10 March 2025, 9:05", "", "No", "Workshop A2"],
    ]  # fmt: skip


@pytest.fixture
def hostile(site):
    event = EventFactory(slug="fjendtlig")
    question = Question.objects.create(event=event, text="=cmd|' /C calc'!A0", kind="text")
    register(
        event,
        booker=Booker("-Booker", "booker@example.org"),
        people=[Person("=1+1", "evil@example.org", "@SUM(A1)", "+Chef", "-45",
                       answers={question.pk: "\tTAB"})],
        language="da",
    )  # fmt: skip
    return event, question


def test_csv_export_neutralises_formulas(staff_client, hostile):
    event, question = hostile

    rows = download_csv(
        staff_client, event, columns=[*ALL_FIELDS[:5], "booker"], questions=[question.pk]
    )

    assert rows[0][-1] == "'=cmd|' /C calc'!A0"
    assert rows[1] == ["'=1+1", "evil@example.org", "'@SUM(A1)", "'+Chef", "'-45", "'-Booker",
                       "booker@example.org", "'\tTAB"]  # fmt: skip


def test_xlsx_export_neutralises_formulas(staff_client, hostile):
    event, question = hostile
    url, data = export_url(
        event, format="xlsx", columns=["name", "organisation", "job_title"], questions=question.pk
    )

    response = staff_client.get(url, data)

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    # Every cell is text ("s"), none a formula ("f"), and nothing gains an apostrophe.
    assert rows[1] == [("=1+1", "s"), ("@SUM(A1)", "s"), ("+Chef", "s"), ("\tTAB", "s")]
    assert rows[0][-1] == ("=cmd|' /C calc'!A0", "s")


def test_xlsx_drops_characters_xml_cannot_hold_before_deciding_formula_or_text():
    cell = exports._xlsx_value("\x01=1+1", openpyxl.Workbook(write_only=True).create_sheet())
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_csv_is_streamed_with_a_danish_filename(staff_client, conference):
    url, data = export_url(conference, format="csv", columns="name")

    response = staff_client.get(url, data)

    assert isinstance(response, StreamingHttpResponse)
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="deltagere-dagen.csv"'


def test_xlsx_is_served_from_a_temporary_file(staff_client, conference, rf):
    url, data = export_url(conference, format="xlsx", columns="name")
    request = rf.get(url, data)
    request.user = StaffFactory()

    direct = export_view(request, event_id=conference.pk)  # the test client rewraps the stream
    response = staff_client.get(url, data)

    assert isinstance(direct.file_to_stream, tempfile.SpooledTemporaryFile)
    assert isinstance(response, FileResponse)
    assert response.streaming is True
    assert response["Content-Type"] == exports.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="deltagere-dagen.xlsx"'
    assert int(response["Content-Length"]) == len(b"".join(response.streaming_content))


def test_export_form_shows_defaults(staff_client, conference):
    response = staff_client.get(reverse("staff:export", kwargs={"event_id": conference.pk}))

    form = response.context["form"]
    _diet, topics, dinner = conference.questions.all()
    assert response.status_code == 200
    assert not form.is_bound
    assert {name: form[name].value() for name in form.fields} == {
        "format": "xlsx",
        "which": "confirmed",
        "columns": ["name", "email", "organisation", "job_title", "status", "created_at"],
        "questions": [topics.pk, dinner.pk],  # the diet question is left out until asked for
        "sessions": "slots",
    }
    assert "Kost (kost eller helbred)" in response.content.decode()


def test_export_form_without_questions_or_slots_hides_those_fields(staff_client, site):
    event = EventFactory()

    response = staff_client.get(reverse("staff:export", kwargs={"event_id": event.pk}))

    assert list(response.context["form"].fields) == ["format", "which", "columns"]


def test_invalid_choices_show_the_form_again_with_messages(staff_client, conference):
    url, data = export_url(conference, format="pdf", which="everyone", sessions="")

    response = staff_client.get(url, data)

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "format": [
            "Marker en gyldig valgmulighed. pdf er ikke en af de tilgængelige valgmuligheder."
        ],
        "which": [
            "Marker en gyldig valgmulighed. everyone er ikke en af de tilgængelige valgmuligheder."
        ],
        "columns": ["Vælg mindst én kolonne."],
    }
    assert '<ul class="errorlist" id="id_columns_error"><li>Vælg mindst én kolonne.</li></ul>' in (
        html
    )
    assert "Ret venligst fejlene herunder." in html


@pytest.mark.parametrize("name", ["staff:export", "staff:door_list"])
def test_staff_login_and_permission_are_required(client, site, name):
    url = reverse(name, kwargs={"event_id": EventFactory().pk})

    anonymous = client.get(url)
    client.force_login(UserFactory())  # logged in, but not staff
    member = client.get(url)
    client.force_login(UserFactory(is_staff=True))  # staff, but may not view participants
    staff = client.get(url)

    login = reverse("admin:login")
    assert (anonymous.status_code, anonymous["Location"]) == (302, f"{login}?next={url}")
    assert (member.status_code, member["Location"]) == (302, f"{login}?next={url}")
    assert staff.status_code == 403


def _people(event, count):
    """`count` confirmed participants in bookings of ten, registered by staff (no session)."""
    staff = StaffFactory()
    for start in range(0, count, 10):
        people = [Person(f"Person {n:03d}", f"p{n}@example.org") for n in range(start, count)]
        register(event, booker=Booker("B", "b@example.org"), people=people[:10], language="da",
                 by=staff)  # fmt: skip


@pytest.mark.parametrize("count", [1, 3, 30])
def test_csv_export_queries_do_not_grow_with_participants(
    staff_client, site, django_assert_num_queries, count
):
    event = EventFactory(slug="mange")
    question = Question.objects.create(event=event, text="Kost", kind="text")
    workshop(event, "Workshop A1", hour=10)
    _people(event, count)
    url, data = export_url(
        event, format="csv", which="all", columns=ALL_FIELDS, questions=question.pk
    )
    data["sessions"] = "slots"

    # session, user, event, slots, questions, the audit log's entry, rows, and per chunk:
    # answers, session choices
    with django_assert_num_queries(9):
        rows = list(staff_client.get(url, data).streaming_content)

    assert b"".join(rows).decode("utf-8-sig").count("\r\n") == count + 1


def test_queries_grow_only_per_chunk(staff_client, site, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 10)
    event = EventFactory()
    question = Question.objects.create(event=event, text="Kost", kind="text")
    workshop(event, "Workshop A1", hour=10)
    _people(event, 30)
    url, data = export_url(event, format="xlsx", columns="name", questions=question.pk)
    data["sessions"] = "one"

    with django_assert_num_queries(7 + 3 * 2):  # 1: the audit log's entry
        response = staff_client.get(url, data)

    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert len(workbook.active["A"]) == 31


# --- the door list --------------------------------------------------------------------------


def door_list_text(client, event, language="da") -> tuple[list[str], str]:
    with translation.override(language):
        url = reverse("staff:door_list", kwargs={"event_id": event.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return [page.extract_text() for page in reader.pages], response["Content-Disposition"]


def register_door(event, names):
    people = [Person(name, f"{uuid.uuid4().hex[:12]}@example.org") for name in names]
    register(event, booker=Booker("B", "b@example.org"), people=people, language="da")


def test_door_list_sorts_confirmed_by_surname_the_danish_way(staff_client, site):
    names = ["Bo Ørsted", "Anne Zacho", "Eva Åberg", "Carl Andersen", "Dorte Æbelø", "Ib Holm",
             "Ane Holm", "Venter Vestergaard"]  # fmt: skip
    with time_machine.travel(REGISTERED_AT, tick=False):
        event = EventFactory(
            title_da="Årsmøde", slug="aarsmoede", capacity=7, venue__name_da="Hovedbiblioteket"
        )
        register_door(event, names)

        [page], disposition = door_list_text(staff_client, event)

    assert page.splitlines()[:4] == [
        "Årsmøde",
        "9. april 2025, kl. 9.30–16.00 · Hovedbiblioteket, Jacob Fortlings Vej 1, 2770 Kastrup",
        "7 bekræftede deltagere · udskrevet 10. marts 2025, kl. 9.05",
        "# Navn Organisation Underskrift",
    ]
    assert sorted(names[:7], key=page.index) == [
        "Carl Andersen", "Ane Holm", "Ib Holm", "Anne Zacho", "Dorte Æbelø", "Bo Ørsted",
        "Eva Åberg",
    ]  # fmt: skip
    assert "Venter Vestergaard" not in page  # on the waiting list, not at the door
    assert page.splitlines()[-1].endswith("Side 1 af 1")
    assert disposition == "inline; filename*=utf-8''d%C3%B8rliste-aarsmoede.pdf"


def test_door_list_repeats_the_table_header_and_numbers_pages(staff_client, site):
    event = EventFactory(capacity=None)
    _people(event, 40)

    pages, _disposition = door_list_text(staff_client, event)

    assert len(pages) == 2
    for number, page in enumerate(pages, start=1):
        assert "# Navn Organisation Underskrift" in page
        assert f"Side {number} af 2" in page
    assert event.title in pages[1]  # the running header on the pages after the first


def test_door_list_in_english(staff_client, site):
    event = EventFactory()
    register_door(event, ["Anne Zacho"])

    [page], disposition = door_list_text(staff_client, event, language="en")

    assert disposition == f'inline; filename="door-list-{event.slug}.pdf"'
    assert "# Name Organisation Signature" in page
    assert "1 confirmed participant · printed " in page
    assert "Page 1 of 1" in page


def test_door_list_shows_hostile_text_as_text(staff_client, site):
    event = EventFactory(title_da="<h1>Titel</h1>")
    register(
        event,
        booker=Booker("B", "b@example.org"),
        people=[Person("<b>Ida</b> Holm", "ida@example.org", "<i>Kommune</i>")],
        language="da",
    )

    [page], _disposition = door_list_text(staff_client, event)

    assert page.splitlines()[0] == "<h1>Titel</h1>"
    assert "1 <b>Ida</b> Holm <i>Kommune</i>" in page


def test_door_list_renderer_fetches_nothing():
    with pytest.raises(ValueError, match="disallowed protocol"):
        no_fetching().fetch("file:///etc/passwd")


def test_surname_key_puts_danish_letters_after_z():
    names = ["Å Å", "Ø Ø", "Æ Æ", "Z Z", "Ä Äbel", "Ö Öberg", "É Éclair", "A A"]

    assert sorted(names, key=surname_key) == [
        "A A", "É Éclair", "Z Z", "Æ Æ", "Ä Äbel", "Ø Ø", "Ö Öberg", "Å Å",
    ]  # fmt: skip
