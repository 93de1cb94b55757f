"""Edit, cancel, hand over and check in through /api/v1/participants/{id}."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.api.conftest import problem
from tests.factories import EventFactory, register_people
from tilmeld.registrations.enums import ChangeAction
from tilmeld.registrations.models import CheckIn, Participant, ParticipantChange, Question

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(site):
    event = EventFactory(slug="moede", capacity=1, substitution_allowed=True)
    (anna,) = register_people(event, "Anna")
    return anna


def test_a_participant_is_shown(api, auth, anna):
    answer = api.get(f"/participants/{anna.pk}", auth())

    assert answer.status_code == 200
    assert answer.json()["name"] == "Anna"
    assert answer.json()["status"] == "confirmed"


def test_editing_changes_the_fields_given_and_records_it(api, auth, anna):
    question = Question.objects.create(event=anna.event, text_da="Kost")

    answer = api.patch(
        f"/participants/{anna.pk}",
        {"organisation": "Aarhus Bibliotekerne", "answers": {str(question.pk): "Vegetar"}},
        auth(),
    )

    assert answer.status_code == 200, answer.json()
    assert (answer.json()["name"], answer.json()["organisation"]) == (
        "Anna",
        "Aarhus Bibliotekerne",
    )
    assert anna.answers.get().value == "Vegetar"
    change = ParticipantChange.objects.get(participant=anna, action=ChangeAction.EDITED)
    assert change.changes == {
        "organisation": ["", "Aarhus Bibliotekerne"],
        f"question:{question.pk}": [None, "Vegetar"],
    }
    assert change.by_participant is True


def test_an_edit_to_an_address_taken_is_409(api, auth, anna):
    register_people(anna.event, "Bo")

    answer = api.patch(f"/participants/{anna.pk}", {"email": "bo@example.org"}, auth())

    assert answer.status_code == 409
    assert answer.json()["code"] == "already_registered"


def test_cancelling_frees_the_seat_for_the_first_in_line(api, auth, anna):
    (bo,) = register_people(anna.event, "Bo")

    answer = api.post(f"/participants/{anna.pk}/cancel", {"reason": "Syg"}, auth())

    assert answer.status_code == 200
    assert answer.json()["status"] == "cancelled"
    bo.refresh_from_db()
    assert bo.status in ("confirmed", "offered")


def test_cancelling_after_the_binding_date_is_409_binding(api, auth, anna):
    anna.event.binding_at = timezone.now() - dt.timedelta(days=1)
    anna.event.save()

    answer = api.post(f"/participants/{anna.pk}/cancel", {}, auth())

    assert answer.json() == problem(
        409,
        "binding",
        "The registration is binding and can no longer be cancelled. A colleague may attend in"
        " your place instead.",
        "Conflict",
    )
    anna.refresh_from_db()
    assert anna.status == "confirmed"


def test_handing_over_answers_201_with_the_new_participant(api, auth, anna):
    answer = api.post(
        f"/participants/{anna.pk}/substitute",
        {"name": "Bo", "email": "bo@example.org", "job_title": "Bibliotekar"},
        auth(),
    )

    assert answer.status_code == 201, answer.json()
    new = Participant.objects.get(replaces=anna)
    assert (answer.json()["id"], answer.json()["status"], answer.json()["job_title"]) == (
        new.pk,
        "confirmed",
        "Bibliotekar",
    )
    anna.refresh_from_db()
    assert anna.status == "substituted"


def test_checking_in_twice_records_one_arrival(api, auth, anna, staff):
    headers = auth("checkin:write", "registrations:read")

    first = api.post(f"/participants/{anna.pk}/checkin", None, headers)
    second = api.post(f"/participants/{anna.pk}/checkin", None, headers)

    assert (first.status_code, first.json()["created"]) == (200, True)
    assert (second.status_code, second.json()["created"]) == (200, False)
    arrival = CheckIn.objects.get()
    assert arrival.by_user == staff
    assert first.json()["participant"]["checked_in_at"] is not None


def test_a_waiting_participant_cannot_be_checked_in(api, auth, anna):
    (bo,) = register_people(anna.event, "Bo")

    answer = api.post(f"/participants/{bo.pk}/checkin", None, auth())

    assert answer.status_code == 409
    assert answer.json()["code"] == "not_confirmed"


def test_an_unknown_participant_is_404(api, auth, db):
    assert api.post("/participants/99999/cancel", {}, auth()).status_code == 404
    assert api.get("/participants/99999", auth()).status_code == 404
