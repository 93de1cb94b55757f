from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from tests.core.pages import content, local, text_of, url
from tilmeld.core.models import Page, SiteSettings
from tilmeld.events.enums import RegistrationState
from tilmeld.events.models import Event
from tilmeld.news.models import Article

CONFERENCE = "konference-styrk-det-strategiske-samarbejde-i-kommunen"
UPCOMING = "fremtidens-folkebibliotek-demokonference"
TODAY = local(2026, 3, 2, 10)


def load_demo():
    call_command("load_demo", password="demo-password", stdout=StringIO())


def counts():
    """Rows in every table of every app."""
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.managed  # privacy.PersonData has no table
    }


@pytest.fixture
def demo(db):
    with time_machine.travel(TODAY, tick=False):
        load_demo()
        yield


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing_the_second_time():
    with time_machine.travel(TODAY, tick=False):
        load_demo()
        first = counts()
        programme = Event.objects.get(slug=CONFERENCE).programme_file.name

        load_demo()

    assert counts() == first
    assert (SiteSettings.objects.count(), Article.objects.count(), Page.objects.count()) == (
        1,
        2,
        4,
    )
    assert Event.objects.get(slug=CONFERENCE).programme_file.name == programme


def test_demo_site_settings(demo):
    site = SiteSettings.objects.get()

    assert (site.name_da, site.name_en) == (
        "Danmarks Biblioteksforening",
        "Danish Library Association",
    )
    assert site.contact_email == "db@db.dk"


def test_demo_security_txt(demo, client, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"

    with time_machine.travel(TODAY, tick=False):
        text = client.get("/.well-known/security.txt").content.decode()

    assert text == (
        "Contact: mailto:sikkerhed@db.dk\n"
        "Expires: 2027-03-02T22:59:59Z\n"
        "Preferred-Languages: da, en\n"
        "Canonical: http://127.0.0.1:8000/.well-known/security.txt\n"
        "Policy: http://127.0.0.1:8000/sider/sikkerhed/\n"
    )
    assert client.get("/sider/sikkerhed/").status_code == 200


def test_demo_conference_of_2016(demo):
    event = Event.objects.get(slug=CONFERENCE)

    assert event.title_da == "Konference: Styrk det strategiske samarbejde i kommunen"
    assert (event.starts_at, event.ends_at) == (local(2016, 5, 23, 9, 30), local(2016, 5, 23, 16))
    assert event.venue.name_da == "Den Blå Planet"
    assert event.venue.address == "Jacob Fortlings Vej 1, 2770 Kastrup"
    assert event.organiser.name == "Danmarks Biblioteksforening"
    assert [link.organisation.name for link in event.co_organiser_links.all()] == [
        "Bibliotekschefforeningen",
        "Centralbiblioteket i Roskilde",
        "Centralbiblioteket i Gentofte",
        "Tårnby Kommune",
    ]
    assert event.binding_at == local(2016, 5, 11)  # shown as "bindende efter 10. maj 2016"
    assert event.registration_opens_at == local(2016, 4, 18, 12)
    assert event.registration_closes_at == local(2016, 5, 18, 12)
    assert event.registration_state() == RegistrationState.CLOSED
    assert event.is_published
    with event.programme_file.open("rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_demo_conference_page(client, demo):
    response = client.get(url("events:detail", "en", slug=CONFERENCE))

    page = content(response)
    assert response.status_code == 200
    assert "<h1>Conference: Strengthening strategic cooperation in the municipality</h1>" in page
    assert text_of(page, "p", "state-text") == "Registration for the event is now closed."
    assert text_of(page, "p", "binding") == (
        "Registration became binding after 10 May 2016. "
        "After that another person may attend in your place."
    )
    programme = url("events:programme_pdf", "en", slug=CONFERENCE)
    assert f'href="{programme}">Download the programme' in page
    download = client.get(programme)
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_demo_news(demo):
    articles = Article.objects.published().order_by("-published_at")

    assert [(a.title_da, a.published_at) for a in articles] == [
        ("Velkommen til det nye db.dk", local(2022, 1, 10, 9)),
        ("Rammerne på plads for Kulturens Analyseinstitut", local(2021, 12, 6, 14)),
    ]


def test_demo_upcoming_event_has_open_registration(demo):
    event = Event.objects.get(slug=UPCOMING)

    assert event.starts_at == local(2026, 5, 1, 9, 30)
    assert event.registration_state(now=TODAY) == RegistrationState.OPEN
    assert event.is_published


def test_demo_staff_user(demo):
    user = get_user_model().objects.get(username="staff")

    assert (user.is_staff, user.is_superuser, user.is_active) == (True, True, True)
    assert user.check_password("demo-password")


def test_demo_past_conference_has_arrivals_no_shows_and_a_message(demo):
    from tilmeld.registrations.models import CheckIn
    from tilmeld.registrations.services.checkin import no_shows
    from tilmeld.staff.models import Broadcast

    event = Event.objects.get(slug=CONFERENCE)

    assert event.participants.filter(status="confirmed").count() == 24
    assert CheckIn.objects.filter(participant__event=event).count() == 20
    assert len(list(no_shows(event))) == 4
    assert Broadcast.objects.get(event=event).subject == "Praktisk information før konferencen"


def test_the_demo_programme_reads_in_english_on_the_english_site(client, demo):
    page = content(client.get(url("events:detail", "en", slug=UPCOMING)))

    assert "Head of libraries" in page
    assert "Runs one of the country&#x27;s largest public libraries" in page
    assert "Auditorium" in page
    assert "Bibliotekschef, Vejle" not in page


WORKSHOP = "workshop-borgerinddragelse-i-praksis"
MEETING = "netvaerksmoede-for-biblioteksledere"


@pytest.mark.django_db
def test_demo_workshop_opens_at_nine_whatever_the_hour_it_is_loaded(client):
    with time_machine.travel(local(2026, 3, 2, 3, 17), tick=False):  # loaded at night
        load_demo()
        page = content(client.get(url("events:detail", slug=WORKSHOP)))

    workshop = Event.objects.get(slug=WORKSHOP)
    assert workshop.registration_opens_at == local(2026, 3, 12, 9)
    assert text_of(page, "p", "state-text") == "Tilmeldingen åbner 12. marts 2026, kl. 9.00."


def test_demo_afternoon_meeting_asks_no_dinner_question(demo):
    meeting = Event.objects.get(slug=MEETING)

    questions = [(q.text_da, q.text_en, q.choices_da) for q in meeting.questions.all()]
    hours = (timezone.localtime(meeting.starts_at).hour, timezone.localtime(meeting.ends_at).hour)
    assert hours == (13, 16)
    assert questions == [
        (
            "Hvilket emne vil du helst drøfte?",
            "Which topic would you most like to discuss?",
            "Budgetter\nBemanding\nÅbningstider",
        )
    ]
    first = meeting.participants.order_by("id").first()
    assert [answer.value for answer in first.answers.all()] == ["Budgetter"]


def test_demo_privacy_policy_promises_only_what_the_site_does(client, demo):
    danish = content(client.get(url("page", slug="privatlivspolitik")))
    page = Page.objects.get(slug="privatlivspolitik")

    assert "senest et år" not in page.body_da and "one year" not in page.body_en
    assert (
        "12 måneder efter arrangementets afslutning anonymiseres oplysningerne automatisk, "
        "medmindre vi har sat en anden periode for arrangementet"
    ) in " ".join(page.body_da.split())
    assert (
        "12 months after the event ends the details are anonymised automatically, unless we "
        "have set a different period for the event"
    ) in " ".join(page.body_en.split())
    assert (
        "gemmer vi dem uændret i 5 år efter udgangen af det regnskabsår (kalenderår), de hører til"
    ) in " ".join(danish.split())


def test_demo_meeting_has_an_open_offer_and_a_waiting_list(demo, client):
    meeting = Event.objects.get(slug="netvaerksmoede-for-biblioteksledere")
    statuses = list(meeting.participants.order_by("id").values_list("status", flat=True))

    with time_machine.travel(TODAY, tick=False):
        offered = meeting.participants.get(status="offered")
        page = client.get(offered.get_offer_url())

    assert (statuses.count("confirmed"), statuses.count("offered"), statuses.count("waiting")) == (
        11,
        1,
        2,
    )
    assert page.status_code == 200
    assert "Sig ja til pladsen" in page.content.decode()


@pytest.mark.django_db
def test_demo_prints_how_to_set_up_two_factor_login_and_shows_an_audit_log():
    from tilmeld.audit.models import AuditEntry

    out = StringIO()
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", password="demo-password", stdout=out)

    lines = out.getvalue().splitlines()
    assert "Staff login: user 'staff', password 'demo-password' at /admin/" in lines
    assert (
        "Two-factor login (optional in the demo, TILMELD_STAFF_2FA_REQUIRED=1 makes it a must): "
        "set it up at /admin/two-factor/setup/ with an authenticator app"
    ) in lines
    assert list(
        AuditEntry.objects.filter(event__slug=CONFERENCE).values_list("username", "action")
    ) == [
        ("staff", "checkin_search"),
        ("staff", "export"),
        ("staff", "export"),
        ("staff", "message"),
        ("staff", "participant_list"),
    ]
