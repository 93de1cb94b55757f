"""GET /api/v1/events/{slug}/participants and /bookings: the JSON, the filters, the cursor."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from tests.api.conftest import problem
from tests.factories import (
    EventFactory,
    OptionFactory,
    PriceFactory,
    SessionFactory,
    register_paid,
    register_people,
)
from tilmeld.registrations.services import changes, checkin
from tilmeld.registrations.services.booking import Person

NOW = dt.datetime(2027, 3, 2, 9, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def priced(site, staff):
    """Two seats, a price and the dinner, two parallel workshops: Anna and Bo hold the seats
    (Anna checked in, Bo in workshop B), Carl waits."""
    with time_machine.travel(NOW, tick=False):
        event = EventFactory(slug="aarsmoede", capacity=2)
        price = PriceFactory(event=event, name_en="Non-member")
        dinner = OptionFactory(event=event, name_en="Conference dinner")
        workshops = [
            SessionFactory(event=event, title_da=f"Workshop {x}", capacity=10) for x in "AB"
        ]
        first = register_paid(
            event, "Anna Berg", "Bo Dahl", price=price, options=[dinner], by=staff
        )
        waiting = register_paid(event, "Carl Eng", price=price, by=staff)
    anna, bo = first.participants.order_by("id")
    carl = waiting.participants.get()
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        checkin.check_in(anna, by=staff)
        changes.change_session(bo, workshops[1].pk, by=staff)
        changes.update_participant(bo, _renamed(bo, "Bo Dahl", "Aarhus Kommune"), by=None)
    return event, price, dinner, workshops, (anna, bo, carl), (first, waiting)


def participant_json(p, *, price, dinner=None, status="confirmed", **changes):
    values = {
        "id": p.pk,
        "booking_id": p.booking_id,
        "event": "aarsmoede",
        "name": p.name,
        "email": p.email,
        "organisation": "",
        "job_title": "",
        "phone": "",
        "in_participant_list": False,
        "language": "da",
        "status": status,
        "waiting_position": None,
        "offer_expires_at": None,
        "price": {"id": price.pk, "name": "Non-member", "amount": "2795.00"},
        "options": [{"id": dinner.pk, "name": "Conference dinner", "amount": "350.00"}]
        if dinner
        else [],
        "sessions": [],
        "checked_in_at": None,
        "created_at": "2027-03-02T09:00:00Z",
        "updated_at": "2027-03-02T09:00:00Z",
        "cancelled_at": None,
    }
    return values | changes


def test_participants_are_listed_as_the_contract_says(api, auth, priced):
    _event, price, dinner, workshops, (anna, bo, carl), _ = priced

    answer = api.get("/events/aarsmoede/participants", auth())

    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert answer.json() == {
        "items": [
            participant_json(carl, price=price, status="waiting", waiting_position=1),
            participant_json(
                anna,
                price=price,
                dinner=dinner,
                checked_in_at="2027-03-02T10:00:00Z",
                updated_at="2027-03-02T10:00:00Z",  # an arrival changes the participant
            ),
            participant_json(
                bo,
                price=price,
                dinner=dinner,
                organisation="Aarhus Kommune",
                sessions=[workshops[1].pk],
                updated_at="2027-03-02T10:00:00Z",
            ),
        ],
        "next_cursor": None,
    }


def test_participants_in_danish_have_danish_names(api, auth, priced):
    answer = api.get("/events/aarsmoede/participants", auth(language="da"), status="waiting")

    assert [item["price"]["name"] for item in answer.json()["items"]] == ["Ikke-medlem"]


def test_participants_are_filtered(api, auth, priced):
    _event, _price, _dinner, workshops, (anna, bo, carl), _ = priced

    def ids(**filters):
        answer = api.get("/events/aarsmoede/participants", auth(), **filters)
        assert answer.status_code == 200, answer.json()
        return [item["id"] for item in answer.json()["items"]]

    assert ids(status="waiting") == [carl.pk]
    assert ids(status="confirmed") == [anna.pk, bo.pk]
    assert ids(session=workshops[1].pk) == [bo.pk]
    assert ids(session=workshops[0].pk) == []
    assert ids(organisation="aarhus kom") == [bo.pk]
    assert ids(changed_since="2027-03-02T09:30:00Z") == [anna.pk, bo.pk]  # checked in, moved
    assert ids(changed_since="2027-03-02T10:30:00+01:00") == [anna.pk, bo.pk]  # 09:30 UTC
    assert ids(changed_since="2027-03-02T11:00:01+01:00") == []


def test_waiting_places_count_only_those_still_in_line(api, auth, site):
    event = EventFactory(slug="fuld", capacity=1)
    register_people(event, "Anna")
    waiting = [register_people(event, name)[0] for name in ("Bo", "Carl", "Dorte")]
    changes.cancel_registration(waiting[0], by=None)

    answer = api.get("/events/fuld/participants", auth(), status="waiting")

    assert [(i["name"], i["waiting_position"]) for i in answer.json()["items"]] == [
        ("Carl", 1),
        ("Dorte", 2),
    ]


def test_participants_are_paged_without_losing_rows_that_change(api, auth, site):
    with time_machine.travel(NOW, tick=False):
        event = EventFactory(slug="stor")
        people = [register_people(event, f"P{i}")[0] for i in range(5)]
    headers = auth()

    first = api.get("/events/stor/participants", headers, limit=2).json()
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        changes.update_participant(people[0], _renamed(people[0], "P0 Ny"), by=None)
        register_people(event, "P5")
    second = api.get("/events/stor/participants", headers, limit=2, cursor=first["next_cursor"])
    third = api.get(
        "/events/stor/participants", headers, limit=2, cursor=second.json()["next_cursor"]
    ).json()
    fourth = api.get("/events/stor/participants", headers, limit=2, cursor=third["next_cursor"])

    names = [
        [item["name"] for item in page["items"]]
        for page in (first, second.json(), third, fourth.json())
    ]
    assert names == [["P0", "P1"], ["P2", "P3"], ["P4", "P0 Ny"], ["P5"]]
    assert fourth.json()["next_cursor"] is None


def _renamed(participant, name, organisation=""):
    return Person(name=name, email=participant.email, organisation=organisation)


@pytest.mark.parametrize(
    "cursor",
    ["nonsense", "", "W10", "WyJwYXJ0aWNpcGFudHMiXQ", "eyJhIjogMX0", "bm90IGpzb24"],
)
def test_a_cursor_that_is_not_ours_is_refused(api, auth, site, cursor):
    EventFactory(slug="stor")

    answer = api.get("/events/stor/participants", auth(), cursor=cursor or "=")

    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json() == problem(
        400,
        "cursor",
        "The cursor is not valid for this list and these filters. Start again without it, with"
        " the filters it was made with.",
        "Bad request",
    )


def test_a_cursor_of_other_filters_or_another_list_is_refused(api, auth, site):
    event = EventFactory(slug="stor")
    EventFactory(slug="anden")
    for i in range(3):
        register_people(event, f"P{i}")
    headers = auth()
    cursor = api.get("/events/stor/participants", headers, limit=1).json()["next_cursor"]

    other_filter = api.get("/events/stor/participants", headers, cursor=cursor, status="waiting")
    other_event = api.get("/events/anden/participants", headers, cursor=cursor)
    other_list = api.get("/events/stor/bookings", headers, cursor=cursor)
    same = api.get("/events/stor/participants", headers, cursor=cursor, limit=5)

    assert [a.status_code for a in (other_filter, other_event, other_list)] == [400] * 3
    assert {a.json()["code"] for a in (other_filter, other_event, other_list)} == {"cursor"}
    assert [i["name"] for i in same.json()["items"]] == ["P1", "P2"]


@pytest.mark.parametrize("limit", [0, 201, -1, "many"])
def test_a_limit_outside_1_to_200_is_refused(api, auth, site, limit):
    EventFactory(slug="stor")

    answer = api.get("/events/stor/participants", auth(), limit=limit)

    assert answer.status_code == 422
    assert answer.json()["code"] == "validation"
    assert [e["field"] for e in answer.json()["errors"]] == ["limit"]


def test_an_unknown_event_is_404(api, auth, db):
    answer = api.get("/events/ingen/participants", auth())

    assert answer.status_code == 404
    assert answer.json() == problem(404, "not_found", "There is nothing here.", "Not found")


@pytest.mark.parametrize("count", [1, 30])
def test_participant_list_queries_do_not_grow_with_rows(
    api, auth, site, django_assert_num_queries, count
):
    event = EventFactory(slug="stor", capacity=count)
    price = PriceFactory(event=event)
    dinner = OptionFactory(event=event)
    for i in range(count):
        register_paid(event, f"P{i}", price=price, options=[dinner])
    register_paid(event, "Venter", price=price)  # one waits, whatever the count
    headers = auth()
    api.get("/events/stor/participants", headers)  # the token's first use is written once

    # token, event, participants, their options, their sessions, the waiting places
    with django_assert_num_queries(6):
        answer = api.get("/events/stor/participants", headers, limit=200)

    assert len(answer.json()["items"]) == count + 1


def test_bookings_are_listed_as_the_contract_says(api, auth, priced):
    _event, price, _dinner, _workshops, (anna, bo, carl), (first, waiting) = priced

    answer = api.get("/events/aarsmoede/bookings", auth())

    payer = {
        "kind": "public",
        "name": "Aarhus Kommune, Hovedbiblioteket",
        "gln": "5798009811578",
        "cvr": "",
        "order_reference": "PO-4711",
        "person_reference": "Hans Hansen",
        "street": "Hack Kampmanns Plads 2",
        "postcode": "8000",
        "city": "Aarhus C",
        "email": "faktura@example.org",
        "member_organisation": None,
        "membership": "",
    }
    assert answer.status_code == 200
    assert answer.json() == {
        "items": [
            {
                "id": first.pk,
                "event": "aarsmoede",
                "booker": {
                    "name": "Anna Berg",
                    "email": "anna.berg@example.org",
                    "organisation": "",
                    "phone": "",
                },
                "language": "da",
                "payer": payer,
                "participants": [anna.pk, bo.pk],
                "created_at": "2027-03-02T09:00:00Z",
            },
            {
                "id": waiting.pk,
                "event": "aarsmoede",
                "booker": {
                    "name": "Carl Eng",
                    "email": "carl.eng@example.org",
                    "organisation": "",
                    "phone": "",
                },
                "language": "da",
                "payer": payer,
                "participants": [carl.pk],
                "created_at": "2027-03-02T09:00:00Z",
            },
        ],
        "next_cursor": None,
    }
    assert price.amount == Decimal("2795.00")


def test_bookings_are_paged(api, auth, site):
    event = EventFactory(slug="stor")
    for i in range(3):
        register_people(event, f"P{i}")
    headers = auth()

    first = api.get("/events/stor/bookings", headers, limit=2).json()
    second = api.get("/events/stor/bookings", headers, limit=2, cursor=first["next_cursor"]).json()

    assert [[b["booker"]["name"] for b in page["items"]] for page in (first, second)] == [
        ["P0", "P1"],
        ["P2"],
    ]
    assert second["next_cursor"] is None


@pytest.mark.parametrize("count", [1, 30])
def test_booking_list_queries_do_not_grow_with_rows(
    api, auth, site, django_assert_num_queries, count
):
    event = EventFactory(slug="stor")
    price = PriceFactory(event=event)
    for i in range(count):
        register_paid(event, f"P{i}", f"Q{i}", price=price)
    headers = auth()
    api.get("/events/stor/bookings", headers)

    # token, event, bookings with payers, their participants
    with django_assert_num_queries(4):
        answer = api.get("/events/stor/bookings", headers, limit=200)

    assert len(answer.json()["items"]) == count
