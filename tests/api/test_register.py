"""POST /api/v1/events/{slug}/bookings: the register() service behind JSON."""

import datetime as dt

import pytest
import time_machine

from tests.api.conftest import problem
from tests.factories import (
    EventFactory,
    OptionFactory,
    PriceFactory,
    SessionFactory,
    register_people,
)
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.models import Booking, Participant, Question

NOW = dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


def person(name, **more):
    return {"name": name, "email": f"{name.lower()}@example.org", **more}


def booking(*names, **more):
    return {"booker": person(names[0]), "participants": [person(n) for n in names], **more}


def test_registering_answers_201_with_the_booking_and_its_participants(api, auth, site):
    with time_machine.travel(NOW, tick=False):
        EventFactory(slug="moede", capacity=1)
        answer = api.post("/events/moede/bookings", booking("Anna", "Bo"), auth())

    assert answer.status_code == 201
    stored = Booking.objects.get()
    anna, bo = stored.participants.order_by("id")
    common = {
        "booking_id": stored.pk,
        "event": "moede",
        "organisation": "",
        "job_title": "",
        "phone": "",
        "in_participant_list": False,
        "language": "en",
        "offer_expires_at": None,
        "price": None,
        "options": [],
        "sessions": [],
        "checked_in_at": None,
        "created_at": "2027-03-02T09:00:00Z",
        "updated_at": "2027-03-02T09:00:00Z",
        "cancelled_at": None,
    }
    assert answer.json() == {
        "booking": {
            "id": stored.pk,
            "event": "moede",
            "booker": {
                "name": "Anna",
                "email": "anna@example.org",
                "organisation": "",
                "phone": "",
            },
            "language": "en",
            "payer": None,
            "participants": [anna.pk, bo.pk],
            "created_at": "2027-03-02T09:00:00Z",
        },
        "participants": [
            {
                "id": anna.pk,
                "name": "Anna",
                "email": "anna@example.org",
                "status": "confirmed",
                "waiting_position": None,
                **common,
            },
            {
                "id": bo.pk,
                "name": "Bo",
                "email": "bo@example.org",
                "status": "waiting",
                "waiting_position": 1,
                **common,
            },
        ],
    }
    assert sorted(OutboxMessage.objects.values_list("to_email", "renderer")) == [
        ("anna@example.org", "tilmeld.registrations.mails.booking_summary"),
        ("anna@example.org", "tilmeld.registrations.mails.registered"),
        ("bo@example.org", "tilmeld.registrations.mails.registered"),
    ]


def test_registering_with_prices_answers_and_sessions(api, auth, site):
    event = EventFactory(slug="moede")
    price = PriceFactory(event=event)
    dinner = OptionFactory(event=event)
    workshop = SessionFactory(event=event, capacity=5)
    SessionFactory(event=event, capacity=5)
    diet = Question.objects.create(
        event=event, text_da="Kost", kind="choice", choices_da="Alt\nVegetar"
    )
    lunch = Question.objects.create(event=event, text_da="Frokost?", kind="yes_no", required=True)
    payer = {
        "kind": "public",
        "name": "Aarhus Kommune",
        "gln": "5798009811578",
        "order_reference": "PO-1",
    }
    sent = booking("Anna", payer=payer, language="da")
    sent["participants"][0] |= {
        "price_id": price.pk,
        "options": [dinner.pk],
        "sessions": [workshop.pk],
        "answers": {str(diet.pk): "Vegetar", str(lunch.pk): True},
    }

    answer = api.post("/events/moede/bookings", sent, auth())

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["participants"][0]["price"] == {
        "id": price.pk,
        "name": "Non-member",  # the answer is in the request's language, the mails in Danish
        "amount": "2795.00",
    }
    assert body["participants"][0]["options"] == [
        {"id": dinner.pk, "name": "Conference dinner", "amount": "350.00"}
    ]
    assert body["participants"][0]["sessions"] == [workshop.pk]
    assert body["booking"]["payer"]["gln"] == "5798009811578"
    assert body["booking"]["language"] == "da"
    participant = Participant.objects.get()
    assert {a.question_id: a.value for a in participant.answers.all()} == {
        diet.pk: "Vegetar",
        lunch.pk: True,
    }


def test_a_full_event_without_waiting_list_is_409_full(api, auth, site):
    event = EventFactory(slug="moede", capacity=1, waiting_list_enabled=False)
    register_people(event, "Anna")

    answer = api.post("/events/moede/bookings", booking("Bo"), auth())

    assert answer.status_code == 409
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json() == problem(409, "full", "Sorry, the event is sold out.", "Conflict")


def test_a_closed_event_is_409_closed_in_danish_too(api, auth, site):
    EventFactory(slug="moede", registration_closes_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))

    english = api.post("/events/moede/bookings", booking("Bo"), auth())
    danish = api.post("/events/moede/bookings", booking("Bo"), auth(language="da"))

    assert english.json() == problem(
        409, "closed", "Registration for the event is closed.", "Conflict"
    )
    assert danish.json() == problem(
        409, "closed", "Tilmeldingen til arrangementet er lukket.", "Konflikt"
    )


def test_an_address_registered_already_is_409(api, auth, site):
    event = EventFactory(slug="moede")
    register_people(event, "Anna")

    answer = api.post("/events/moede/bookings", booking("Anna"), auth())

    assert answer.status_code == 409
    assert answer.json()["code"] == "already_registered"
    assert Participant.objects.count() == 1


def test_a_priced_event_without_payer_is_422_naming_the_field(api, auth, site):
    event = EventFactory(slug="moede")
    PriceFactory(event=event)

    answer = api.post("/events/moede/bookings", booking("Anna"), auth())

    assert answer.json() == problem(
        422,
        "payer",
        "Choose who pays.",
        "Invalid input",
        errors=[{"field": "payer.kind", "message": "Choose who pays."}],
    )


def test_a_payer_is_checked_as_the_form_checks_it(api, auth, site):
    event = EventFactory(slug="moede")
    PriceFactory(event=event)
    payer = {"kind": "public", "name": "Aarhus Kommune", "gln": "5798009811579"}

    answer = api.post("/events/moede/bookings", booking("Anna", payer=payer), auth())

    assert answer.status_code == 422
    assert answer.json()["code"] == "payer"
    assert [e["field"] for e in answer.json()["errors"]] == ["payer.gln", "payer.order_reference"]


def test_people_and_answers_are_checked_as_the_form_checks_them(api, auth, site):
    event = EventFactory(slug="moede")
    lunch = Question.objects.create(event=event, text_da="Frokost?", kind="yes_no", required=True)
    sent = booking("Anna", "Bo")
    sent["participants"][0]["email"] = "not an address"
    sent["participants"][1]["answers"] = {"999999": "x", str(lunch.pk): True}

    answer = api.post("/events/moede/bookings", sent, auth())

    assert answer.json() == problem(
        422,
        "validation",
        "The request is not valid.",
        "Invalid input",
        errors=[
            {"field": "participants.0.email", "message": "Enter a valid email address."},
            {
                "field": "participants.0.answers." + str(lunch.pk),
                "message": "This field is required.",
            },
            {
                "field": "participants.1.answers.999999",
                "message": "The event has no question with this id.",
            },
        ],
    )
    assert Participant.objects.count() == 0


def test_unknown_fields_and_wrong_types_are_422(api, auth, site):
    EventFactory(slug="moede")
    sent = booking("Anna") | {"coupon": "FREE"}
    sent["participants"][0]["sessions"] = "all"

    answer = api.post("/events/moede/bookings", sent, auth())

    assert answer.status_code == 422
    assert answer.json()["code"] == "validation"
    assert sorted(e["field"] for e in answer.json()["errors"]) == [
        "payload.coupon",
        "payload.participants.0.sessions",
    ]


def test_an_unpublished_event_cannot_be_registered_for(api, auth, site):
    EventFactory(slug="kladde", is_published=False)

    answer = api.post("/events/kladde/bookings", booking("Anna"), auth())

    assert answer.status_code == 404
