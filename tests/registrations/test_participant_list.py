"""The participant list: confirmed participants who agreed, for confirmed participants only."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.api.conftest import Api
from tests.factories import EventFactory, StaffFactory, register_people
from tests.registrations.test_views import form_data, register_url
from tilmeld.api.enums import Scope
from tilmeld.api.tokens import create_token
from tilmeld.registrations.enums import ChangeAction
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services import changes
from tilmeld.registrations.services.booking import Person

pytestmark = pytest.mark.django_db


def list_url(participant):
    return reverse("registrations:participant_list", kwargs={"token": participant.manage_token})


def rows(response) -> list[tuple[str, str, str]]:
    html = response.content.decode()
    cell = r"<td[^>]*>([^<]*)</td>"
    cells = re.findall(r'<tr role="row"><td role="cell" class="name">([^<]*)</td>' + cell * 2, html)
    return [tuple(row) for row in cells]


def agree(*participants):
    for participant in participants:
        changes.set_listing(participant, listed=True)


def test_registration_asks_each_participant_and_stores_each_answer(client, site):
    event = EventFactory()
    data = form_data(client, event, **{
        "job_title": "Bibliotekar",
        "in_participant_list": "on",
        "colleague-TOTAL_FORMS": "2",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
        "colleague-1-name": "Ea Eskildsen",
        "colleague-1-email": "ea@example.org",
        "colleague-1-in_participant_list": "on",
    })  # fmt: skip
    page = client.get(register_url(event) + "?colleagues=1").content.decode()

    client.post(register_url(event), data)

    label = "Vis mig på deltagerlisten for de andre deltagere"
    assert page.count(label) == 2  # the booker and the colleague's row
    assert 'name="in_participant_list"' in page
    assert 'name="colleague-0-in_participant_list"' in page
    found = Participant.objects.order_by("id").values_list("name", "in_participant_list")
    assert list(found) == [("Anne Hansen", True), ("Bo Berg", False), ("Ea Eskildsen", True)]


def test_a_booker_who_stays_home_is_not_listed(client, site):
    event = EventFactory()
    data = form_data(client, event, **{
        "attending": "",
        "in_participant_list": "on",
        "colleague-TOTAL_FORMS": "1",
        "colleague-0-name": "Bo Berg",
        "colleague-0-email": "bo@example.org",
    })  # fmt: skip

    client.post(register_url(event), data)

    assert list(Participant.objects.values_list("name", "in_participant_list")) == [
        ("Bo Berg", False)
    ]


def test_ticking_the_box_on_the_manage_page_shows_me_at_once_and_unticking_hides_me(client, site):
    event = EventFactory()
    anne, bo, carl = register_people(event, "Anne Holm", "Bo Berg", "Carl Ærø")
    Participant.objects.filter(pk=bo.pk).update(organisation="Vejle Bibliotekerne")
    agree(bo, carl)
    before = rows(client.get(list_url(anne)))
    manage = client.get(anne.get_manage_url()).content.decode()

    ticked = client.post(anne.get_manage_url(), {"action": "listing", "in_participant_list": "on"})
    after = rows(client.get(list_url(anne)))
    client.post(anne.get_manage_url(), {"action": "listing"})
    unticked = rows(client.get(list_url(anne)))

    assert 'name="in_participant_list"' in manage
    assert "Du vises ikke på deltagerlisten." in manage
    assert before == [("Bo Berg", "Vejle Bibliotekerne", ""), ("Carl Ærø", "", "")]
    assert ticked.status_code == 302
    assert ticked["Location"] == anne.get_manage_url() + "#participant-list"
    assert after == [
        ("Anne Holm", "", ""),
        ("Bo Berg", "Vejle Bibliotekerne", ""),
        ("Carl Ærø", "", ""),
    ]
    assert unticked == before
    history = anne.changes.filter(action=ChangeAction.LISTING).order_by("id")
    assert [c.changes for c in history] == [
        {"in_participant_list": [False, True]},
        {"in_participant_list": [True, False]},
    ]
    assert all(c.by_participant for c in history)


def test_the_list_holds_only_confirmed_participants_who_agreed(client, site):
    event = EventFactory(capacity=3)
    anne, bo, carl, dina, emil = register_people(event, "Anne", "Bo", "Carl", "Dina", "Emil")
    agree(bo, carl, dina, emil)  # dina and emil wait; anne did not agree
    changes.cancel_registration(carl)  # carl's seat is offered to dina…
    changes.promote_participant(Participant.objects.get(pk=dina.pk), by=StaffFactory())  # …taken
    other = register_people(EventFactory(), "Frede")[0]
    agree(other)

    response = client.get(list_url(anne))

    assert rows(response) == [("Bo", "", ""), ("Dina", "", "")]
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.parametrize("status", ["waiting", "cancelled", "offered"])
def test_participants_without_a_seat_are_refused_the_list(client, site, status):
    event = EventFactory(capacity=2)
    anne, carl, bo = register_people(event, "Anne", "Carl", "Bo")  # bo waits
    agree(carl)
    viewer = bo
    if status == "cancelled":
        viewer = anne
        changes.cancel_registration(anne)
    elif status == "offered":
        Participant.objects.filter(pk=bo.pk).update(
            status="offered", offer_expires_at=event.starts_at, waiting_position=None
        )

    response = client.get(list_url(viewer))
    manage = client.get(viewer.get_manage_url()).content.decode()

    html = response.content.decode()
    assert response.status_code == 403
    assert "Deltagerlisten er kun for bekræftede deltagere." in html
    assert "Carl" not in html
    assert list_url(viewer) not in manage


def test_a_cancelled_participant_may_leave_the_list_but_not_join_it(client, site):
    event = EventFactory()
    anne, bo = register_people(event, "Anne", "Bo")
    agree(anne)
    changes.cancel_registration(anne)
    changes.cancel_registration(bo)

    leave = client.post(anne.get_manage_url(), {"action": "listing"})
    join = client.post(bo.get_manage_url(), {"action": "listing", "in_participant_list": "on"})

    anne.refresh_from_db()
    bo.refresh_from_db()
    assert (leave.status_code, anne.in_participant_list) == (302, False)
    assert (join.status_code, bo.in_participant_list) == (409, False)
    assert 'name="in_participant_list"' not in client.get(bo.get_manage_url()).content.decode()


def test_an_unknown_link_is_a_404(client, site):
    response = client.get(reverse("registrations:participant_list", kwargs={"token": "x" * 32}))

    assert response.status_code == 404


@pytest.mark.parametrize("count", [5, 30])
def test_the_list_page_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    event = EventFactory()
    people = [
        participant
        for group in range(0, count, 10)
        for participant in register_people(
            event, *[f"Deltager {n:02d}" for n in range(group, min(group + 10, count))]
        )
    ]
    agree(*people)
    client.get(reverse("events:list"))  # site settings and footer links are cached from now on

    # the participant with event, venue, booking, price and payer; the list
    with django_assert_num_queries(2):
        response = client.get(list_url(people[0]))

    assert len(rows(response)) == count


def test_a_colleague_taking_over_a_seat_is_not_listed_until_they_agree(client, site):
    event = EventFactory()
    anne, bo = register_people(event, "Anne", "Bo")
    agree(anne)

    new = changes.substitute_participant(anne, Person("Dorte", "dorte@example.org"))

    assert (new.status, new.in_participant_list) == ("confirmed", False)
    assert rows(client.get(list_url(bo))) == []


def test_the_api_registers_and_shows_each_participants_answer(site):
    EventFactory(slug="moede")
    _row, token = create_token(StaffFactory(), name="CRM", scopes=Scope.values)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    anna = {"name": "Anna", "email": "anna@example.org"}
    bo = {"name": "Bo", "email": "bo@example.org"}
    api = Api(Client())

    made = api.post(
        "/events/moede/bookings",
        {"booker": anna, "participants": [{**anna, "in_participant_list": True}, bo]},
        headers,
    )
    listed = api.get("/events/moede/participants", headers)

    assert [(p["name"], p["in_participant_list"]) for p in made.json()["participants"]] == [
        ("Anna", True),
        ("Bo", False),
    ]
    assert [(p["name"], p["in_participant_list"]) for p in listed.json()["items"]] == [
        ("Anna", True),
        ("Bo", False),
    ]


def test_staff_see_the_consent_and_its_history_on_the_participants_admin_page(client, site):
    anne = register_people(EventFactory(), "Anne")[0]
    client.post(anne.get_manage_url(), {"action": "listing", "in_participant_list": "on"})
    client.force_login(StaffFactory())

    html = client.get(reverse("admin:registrations_participant_change", args=[anne.pk]))

    page = html.content.decode()
    assert "Samtykke til deltagerlisten ændret" in page
    assert "Vises på deltagerlisten: Nej → Ja" in page
