"""Idempotency-Key on the API's POSTs: a repeat gets the first answer; the races are on
PostgreSQL with real threads, each with its own connection."""

import datetime as dt
import hashlib
import json
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.api.conftest import Api
from tests.factories import EventFactory, register_people
from tests.invoicing.test_documents import invoice, seat
from tests.registrations.test_concurrency import RACES, at_once
from tilmeld.api import idempotency
from tilmeld.api.models import IdempotentRequest
from tilmeld.invoicing.services import issue
from tilmeld.registrations.models import Booking, Participant, SeatCount


def booking(name):
    email = f"{name.lower()}@example.org"
    return {
        "booker": {"name": name, "email": email},
        "participants": [{"name": name, "email": email}],
    }


@pytest.mark.django_db
def test_a_repeat_gets_the_first_answer_and_registers_once(api, auth, site):
    EventFactory(slug="moede")
    headers = auth() | {"Idempotency-Key": "booking-1"}

    first = api.post("/events/moede/bookings", booking("Anna"), headers)
    again = api.post("/events/moede/bookings", booking("Anna"), headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Booking.objects.count() == 1
    row = IdempotentRequest.objects.get()
    assert (row.key, row.status, row.completed) == ("booking-1", 201, True)


@pytest.mark.django_db
def test_a_refusal_is_answered_again_too(api, auth, site):
    event = EventFactory(slug="moede", capacity=1, waiting_list_enabled=False)
    register_people(event, "Bo")
    headers = auth() | {"Idempotency-Key": "k"}

    first = api.post("/events/moede/bookings", booking("Anna"), headers)
    again = api.post("/events/moede/bookings", booking("Anna"), headers)

    assert (first.status_code, again.status_code) == (409, 409)
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_422(api, auth, site):
    EventFactory(slug="moede")
    headers = auth() | {"Idempotency-Key": "k"}
    api.post("/events/moede/bookings", booking("Anna"), headers)

    answer = api.post("/events/moede/bookings", booking("Bo"), headers)

    assert answer.status_code == 422
    assert answer.json()["code"] == "idempotency_mismatch"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_another_token_may_use_the_same_key(api, auth, site):
    EventFactory(slug="moede")

    first = api.post("/events/moede/bookings", booking("Anna"), auth() | {"Idempotency-Key": "k"})
    other = api.post("/events/moede/bookings", booking("Bo"), auth() | {"Idempotency-Key": "k"})

    assert (first.status_code, other.status_code) == (201, 201)
    assert Booking.objects.count() == 2


@pytest.mark.django_db
def test_an_unfinished_claim_is_409_in_progress_with_retry_after(api, auth, site, staff):
    EventFactory(slug="moede")
    headers = auth() | {"Idempotency-Key": "k"}
    token = staff.api_tokens.get()
    body = booking("Anna")
    IdempotentRequest.objects.create(token=token, key="k", request_hash=_hash(body))

    answer = api.post("/events/moede/bookings", body, headers)

    assert answer.status_code == 409
    assert answer["Retry-After"] == "1"
    assert answer.json()["code"] == "in_progress"
    assert Booking.objects.count() == 0


def _hash(body):
    """The request's hash as the API computes it (method, path, query, body)."""
    digest = hashlib.sha256()
    for part in ("POST", "/api/v1/events/moede/bookings", ""):
        digest.update(part.encode() + b"\0")
    digest.update(json.dumps(body).encode())
    return digest.hexdigest()


@pytest.mark.django_db
def test_an_abandoned_claim_or_an_expired_answer_is_taken_over(api, auth, site, staff):
    EventFactory(slug="moede")
    headers = auth() | {"Idempotency-Key": "k"}
    token = staff.api_tokens.get()
    body = booking("Anna")
    IdempotentRequest.objects.create(
        token=token,
        key="k",
        request_hash="other",
        created_at=timezone.now() - dt.timedelta(hours=25),
        completed=True,
        status=201,
        body="{}",
    )

    answer = api.post("/events/moede/bookings", body, headers)

    assert answer.status_code == 201
    assert IdempotentRequest.objects.get().request_hash == _hash(body)


@pytest.mark.django_db
def test_the_sweep_deletes_what_is_older_than_a_day(auth, site, staff):
    auth()
    token = staff.api_tokens.get()
    old = timezone.now() - dt.timedelta(hours=25)
    IdempotentRequest.objects.create(token=token, key="old", request_hash="x", created_at=old)
    IdempotentRequest.objects.create(token=token, key="new", request_hash="x")

    assert idempotency.sweep() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "æ", "tab\there"])
def test_a_key_that_is_not_1_to_255_printable_characters_is_400(api, auth, site, key):
    EventFactory(slug="moede")

    answer = api.post("/events/moede/bookings", booking("Anna"), auth() | {"Idempotency-Key": key})

    assert answer.status_code == 400
    assert answer.json()["code"] == "idempotency_key"
    assert Booking.objects.count() == 0


@pytest.mark.django_db
def test_a_payment_is_recorded_once(api, auth, site):
    issued = issue(invoice(seat("1", "100.00")))
    headers = auth() | {"Idempotency-Key": "pay-1"}
    body = {"amount": "50.00", "paid_on": "2027-01-02"}

    first = api.post(f"/invoices/{issued.number}/payments", body, headers)
    again = api.post(f"/invoices/{issued.number}/payments", body, headers)

    assert (first.status_code, again.json()) == (201, first.json())
    assert issued.payments.count() == 1


# --- races on PostgreSQL ---------------------------------------------------------------------


def posting(headers, body, path="/events/moede/bookings"):
    def send():
        answer = Api(Client()).post(path, body, headers)
        return answer.status_code, answer.json(), answer.get("Retry-After")

    return send


@RACES[0]
@RACES[1]
def test_the_same_key_eight_times_at_once_registers_once(auth, site):
    EventFactory(slug="moede")
    headers = auth() | {"Idempotency-Key": str(uuid.uuid4())}

    results = at_once(*(posting(headers, booking("Anna")) for _ in range(8)))

    assert not [r for r in results if isinstance(r, Exception)], results
    created = [body for status, body, _retry in results if status == 201]
    waiting = [(body["code"], retry) for status, body, retry in results if status == 409]
    assert len(created) + len(waiting) == 8
    assert created and all(body == created[0] for body in created)
    assert set(waiting) <= {("in_progress", "1")}
    assert Booking.objects.count() == 1
    assert Participant.objects.count() == 1


@RACES[0]
@RACES[1]
def test_forty_api_registrations_for_ten_seats(auth, site):
    event = EventFactory(slug="moede", capacity=10)
    headers = auth()

    results = at_once(
        *(posting(headers | {"Idempotency-Key": f"k{i}"}, booking(f"P{i}")) for i in range(40))
    )

    assert [r[0] if isinstance(r, tuple) else r for r in results] == [201] * 40
    statuses = sorted(body["participants"][0]["status"] for _s, body, _r in results)
    assert statuses == ["confirmed"] * 10 + ["waiting"] * 30
    seats = SeatCount.objects.get(pk=event.pk)
    assert (seats.confirmed, seats.waiting) == (10, 30)
    assert Participant.objects.filter(event=event).count() == 40
    places = sorted(
        body["participants"][0]["waiting_position"]
        for _s, body, _r in results
        if body["participants"][0]["status"] == "waiting"
    )
    assert len(places) == 30
    assert connection.vendor == "postgresql"
