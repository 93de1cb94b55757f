import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.registrations.models import Question
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration, substitute_participant

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def text(response) -> str:
    html = response.content.decode()
    main = html[html.index('id="content-main"') :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_dashboard_shows_counts_organisations_and_answers(client, site):
    client.force_login(StaffFactory())
    event = EventFactory(capacity=2)
    diet = Question.objects.create(
        event=event, text_da="Kost", kind="multiple", choices="Vegetar\nGlutenfri", sensitive=True
    )
    people = [
        Person("Anne", "anne@example.org", "Vejle", answers={diet.pk: ["Vegetar"]}),
        Person("Bo", "bo@example.org", "Vejle", answers={diet.pk: ["Vegetar", "Glutenfri"]}),
        Person("Cai", "cai@example.org", "Odense"),
    ]
    booking = register(
        event, booker=Booker("Anne", "anne@example.org"), people=people, language="da"
    )
    _anne, bo, cai = booking.participants.order_by("id")
    substitute_participant(bo, Person("Dea", "dea@example.org", "Vejle"))
    cancel_registration(cai)

    page = text(client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})))

    assert (
        "2 / 2 bekræftede ud af kapaciteten 0 tilbudt en plads, afventer svar "
        "0 på venteliste 1 afmeldinger 1 overdragelser 0 tjekket ind" in page
    )
    assert (
        "Organisationer med flest deltagere Vejle 2 Bekræftede deltagere. "
        "Kost 1 svar fra bekræftede deltagere "
        "Vegetar 1 Glutenfri 0" in page
    )


def test_answer_totals_count_the_confirmed_not_the_waiting_list(client, site):
    client.force_login(StaffFactory())
    event = EventFactory(capacity=1)
    dinner = Question.objects.create(event=event, text_da="Middag", kind="yes_no")
    for name in ("Anne", "Bo", "Cai"):  # Bo and Cai wait
        register(
            event,
            booker=Booker(name, f"{name.lower()}@example.org"),
            people=[Person(name, f"{name.lower()}@example.org", answers={dinner.pk: True})],
            language="da",
        )

    page = text(client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})))

    assert "Middag 1 svar fra bekræftede deltagere Ja 1" in page


def test_organisations_count_the_confirmed_not_the_waiting_list(client, site):
    client.force_login(StaffFactory())
    event = EventFactory(capacity=1)
    for name, organisation in (("Anne", "Vejle"), ("Bo", "Odense"), ("Cai", "Odense")):
        register(
            event,
            booker=Booker(name, f"{name.lower()}@example.org"),
            people=[Person(name, f"{name.lower()}@example.org", organisation)],
            language="da",
        )  # Bo and Cai wait

    page = text(client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})))

    assert "Organisationer med flest deltagere Vejle 1 Bekræftede deltagere." in page


def test_chart_has_a_bar_per_day_since_opening(client, site):
    client.force_login(StaffFactory())
    opens = timezone.now() - dt.timedelta(days=3)
    event = EventFactory(registration_opens_at=opens)
    with time_machine.travel(opens + dt.timedelta(hours=1)):
        register_people(event, "A")
    register_people(event, "B", "C")

    html = client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})).content.decode()

    bars = re.findall(r"<rect [^>]*><title>([^<]+)</title>", html)
    assert len(bars) == 4
    assert bars[0].endswith(": 1")
    assert bars[-1].endswith(": 2")


def test_dashboard_needs_staff(client, site):
    event = EventFactory()
    response = client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk}))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    ("lang", "dates"),
    [
        ("da", ["1. dec.", "2. dec.", "3. dec.", "4. dec."]),
        ("en", ["1 Dec", "2 Dec", "3 Dec", "4 Dec"]),
    ],
)
def test_chart_has_counts_up_the_side_and_dates_along_the_bottom(client, site, lang, dates):
    from tests.core.pages import local

    client.force_login(StaffFactory())
    with time_machine.travel(local(2025, 12, 1, 9), tick=False):
        event = EventFactory(
            starts_at=local(2026, 1, 20, 9, 30), registration_opens_at=local(2025, 12, 1, 8)
        )
        register_people(event, "Anne")
    with time_machine.travel(local(2025, 12, 3, 12), tick=False):
        register_people(event, "Bo", "Cai", "Dea")
    with time_machine.travel(local(2025, 12, 4, 10), tick=False), translation.override(lang):
        html = client.get(
            reverse("staff:dashboard", kwargs={"event_id": event.pk})
        ).content.decode()

    axis = html.split('<g class="axis">', 1)[1].split("</g>", 1)[0]
    labels = re.findall(r"<text [^>]*>([^<]+)</text>", axis)
    assert labels == ["0", "1", "2", "3", *dates]
    table = html.split('class="dash-table"', 1)[1].split("</table>", 1)[0]
    rows = [" ".join(re.findall(r"<td[^>]*>([^<]+)</td>", row)) for row in table.split("<tr>")[2:]]
    full = {
        "da": ["1. december 2025 1", "3. december 2025 3"],
        "en": ["1 December 2025 1", "3 December 2025 3"],
    }
    assert rows == full[lang]  # the numbers behind the chart, for those who cannot see it


def test_free_text_answers_are_counted_not_listed(client, site):
    client.force_login(StaffFactory())
    event = EventFactory(capacity=None)
    access = Question.objects.create(event=event, text_da="Tilgængelighed", kind="text")
    dinner = Question.objects.create(event=event, text_da="Middag", kind="yes_no", position=1)
    answers = [("Anne", "Tolk", True), ("Bo", "Niveaufri adgang", False), ("Cai", "Tolk", True)]
    for name, need, joins in answers:
        register(
            event,
            booker=Booker(name, f"{name.lower()}@example.org"),
            people=[
                Person(
                    name,
                    f"{name.lower()}@example.org",
                    answers={access.pk: need, dinner.pk: joins},
                )
            ],
            language="da",
        )

    page = text(client.get(reverse("staff:dashboard", kwargs={"event_id": event.pk})))

    assert "Tilgængelighed 3 svar fra bekræftede deltagere Middag 3 svar" in page
    assert "Middag 3 svar fra bekræftede deltagere Ja 2 Nej 1" in page
    assert "Tolk" not in page
