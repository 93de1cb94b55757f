"""The staff pages ask the database the same number of questions for an event of one
participant as for one of thirty (and so for 50,000: `make bench-staff` times those)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import EventFactory, SessionFactory, StaffFactory, register_people
from tilmeld.registrations.models import Question, SessionChoice
from tilmeld.registrations.services.checkin import check_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def staff(site):
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def event_of(count: int, staff):
    """An event with `count` confirmed participants, each answering two questions, the first
    one checked in, and a second, smaller event beside it."""
    event = EventFactory(capacity=None)
    diet = Question.objects.create(
        event=event, text_da="Kost", kind="multiple", choices_da="Vegetar\nGlutenfri"
    )
    dinner = Question.objects.create(event=event, text_da="Middag", kind="yes_no", position=1)
    for start in range(0, count, 10):  # a booking holds at most 20 people
        names = [f"Deltager {n}" for n in range(start, min(count, start + 10))]
        register_people(event, *names)
    for n, participant in enumerate(event.participants.order_by("id")):
        participant.answers.create(question=diet, value=["Vegetar"] if n % 2 else [])
        participant.answers.create(question=dinner, value=bool(n % 3))
    check_in(event.participants.first(), by=staff)
    register_people(EventFactory(), "Anden")
    return event


def queries(client, url: str, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # session, user, the event filter's events, the session filter's sessions, the count,
        # the page's rows, the audit log (site settings, event, entry)
        ("list", 9),
        ("search", 9),
        # session, user, event, status counts, substitutions, days, arrivals, organisations,
        # questions, answers, sessions (slots, seats), prices, options, seat count, …
        ("dashboard", 17),
        # session, user, event, arrivals, search, the audit log (site settings, entry)
        ("checkin", 7),
    ],
)
def test_staff_pages_ask_as_often_for_one_participant_as_for_thirty(
    staff_client, staff, page, expected
):
    counted = []
    for count in (1, 30):
        event = event_of(count, staff)
        url, data = {
            "list": (
                reverse("admin:registrations_participant_changelist"),
                {"event__id__exact": event.pk},
            ),
            "search": (
                reverse("admin:registrations_participant_changelist"),
                {"event__id__exact": event.pk, "q": "deltager"},
            ),
            "dashboard": (reverse("staff:dashboard", args=[event.pk]), {}),
            "checkin": (reverse("staff:checkin", args=[event.pk]), {"q": "deltager"}),
        }[page]
        counted.append(queries(staff_client, url, data))

    assert counted == [expected, expected]


def test_the_session_filter_offers_only_sessions_someone_chose(staff_client, staff):
    event = EventFactory()
    anne, bo = register_people(event, "Anne", "Bo")
    starts = event.starts_at.replace(hour=10)
    sessions = [
        SessionFactory(
            event=event,
            title_da=title,
            capacity=10,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1),
        )
        for title in ("A", "B", "Ingen valgte")
    ]
    for person, session in zip((anne, bo), sessions, strict=False):
        SessionChoice.objects.create(participant=person, session=session, holds_seat=True)

    page = staff_client.get(reverse("admin:registrations_participant_changelist"))

    [offered] = [
        spec.lookup_choices
        for spec in page.context_data["cl"].filter_specs
        if spec.field_path == "session_choices__session"
    ]
    assert offered == [(sessions[0].pk, str(sessions[0])), (sessions[1].pk, str(sessions[1]))]
