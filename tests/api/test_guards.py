"""Tokens, scopes, rate limits and bad input: each a problem, never a 500."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from tests.api.conftest import problem
from tests.factories import EventFactory, UserFactory
from tilmeld.api import tokens
from tilmeld.api.models import ApiToken
from tilmeld.registrations.models import Booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(site):
    return EventFactory(slug="moede")


def test_no_token_is_401(api, event):
    answer = api.get("/events/moede/participants")

    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Bearer"
    assert answer.json()["code"] == "unauthenticated"


@pytest.mark.parametrize("token", ["tilmeld_wrong", "wrong", "tilmeld_" + "x" * 200])
def test_a_wrong_token_is_401(api, event, token):
    answer = api.get("/events/moede/participants", {"Authorization": f"Bearer {token}"})

    assert answer.status_code == 401


def test_a_revoked_token_is_401(api, auth, event):
    headers = auth()
    assert api.get("/events/moede/participants", headers).status_code == 200

    tokens.revoke(ApiToken.objects.get())

    assert api.get("/events/moede/participants", headers).status_code == 401


def test_a_token_without_the_scope_is_403(api, auth, event):
    answer = api.get("/events/moede/participants", auth("events:read"))

    assert answer.json() == problem(
        403, "scope", "This token does not have the scope registrations:read.", "Not allowed"
    )


def test_a_token_without_the_scope_is_403_before_its_body_is_read(api, auth, event):
    body = b'{"booker": 7, "participants": "x"}'

    answer = api.post("/events/moede/bookings", body, auth("events:read"))

    assert answer.json() == problem(
        403, "scope", "This token does not have the scope registrations:write.", "Not allowed"
    )
    assert not Booking.objects.exists()


def test_a_token_of_staff_without_the_permission_is_403_even_with_the_scope(api, auth, event):
    clerk = UserFactory(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_participant"))

    answer = api.get("/events/moede/participants", auth("registrations:read", owner=clerk))

    assert answer.status_code == 403
    assert answer.json()["code"] == "scope"


def test_staff_with_the_permissions_may(api, auth, event):
    clerk = UserFactory(is_staff=True)
    for codename in ("view_participant", "view_booking"):
        clerk.user_permissions.add(Permission.objects.get(codename=codename))

    answer = api.get("/events/moede/participants", auth("registrations:read", owner=clerk))

    assert answer.status_code == 200


@override_settings(TILMELD_API_RATE_TOKEN=3)
def test_a_token_over_its_rate_gets_429_with_retry_after(api, auth, event):
    headers = auth()

    answers = [api.get("/events/moede/participants", headers) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    assert answers[3].json()["code"] == "rate_limited"
    assert answers[3].json()["title"] == "Too many requests"
    assert api.get("/events/moede/participants", auth()).status_code == 200  # another token


@override_settings(TILMELD_API_RATE_PUBLIC=2)
def test_the_public_endpoints_are_limited_per_address(api, event):
    answers = [api.get("/events") for _ in range(3)]
    other = api.client.get("/api/v1/events", REMOTE_ADDR="10.0.0.9")

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2]["Content-Type"] == "application/problem+json"
    assert other.status_code == 200


def test_invalid_json_is_400(api, auth, event):
    answer = api.post("/events/moede/bookings", b"{not json", auth())

    assert answer.json() == problem(
        400, "invalid_json", "The request body is not valid JSON in UTF-8.", "Bad request"
    )


@pytest.mark.parametrize(
    "body", [b'{"booker": "\\ud800"}', b"\xff\xfe{}", b'"just a string"', b"[1, 2]"]
)
def test_json_a_database_cannot_store_or_of_the_wrong_shape_is_refused(api, auth, event, body):
    answer = api.post("/events/moede/bookings", body, auth())

    assert answer.status_code in (400, 422)
    assert answer["Content-Type"] == "application/problem+json"


def test_a_body_over_1_mb_is_413(api, auth, event):
    body = b'{"booker": {"name": "' + b"x" * 1_100_000 + b'"}}'

    answer = api.post("/events/moede/bookings", body, auth())

    assert answer.json() == problem(
        413, "too_large", "The request body is larger than 1 MB.", "Request too large"
    )


def test_a_body_over_1_mb_with_an_idempotency_key_is_413(api, auth, event):
    body = b'{"booker": {"name": "' + b"x" * 1_100_000 + b'"}}'
    headers = auth() | {"Idempotency-Key": "big"}

    answer = api.post("/events/moede/bookings", body, headers)

    assert answer.status_code == 413


@pytest.mark.parametrize("slug", ["a%00b", "a b", "æøå", "x" * 101])
def test_a_slug_that_cannot_be_one_is_422_not_500(api, auth, event, slug):
    answer = api.get(f"/events/{slug}/participants", auth())

    assert answer.status_code == 422


def test_a_nul_in_a_filter_is_harmless(api, auth, event):
    answer = api.get("/events/moede/participants", auth(), organisation="a\x00b")

    assert answer.status_code == 200
    assert answer.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    "since", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "yesterday"]
)
def test_a_time_out_of_range_is_422(api, auth, event, since):
    answer = api.get("/events/moede/participants", auth(), changed_since=since)

    assert answer.status_code == 422


def test_an_id_too_large_for_the_database_is_422(api, auth, event):
    answer = api.get(f"/participants/{2**63}", auth())

    assert answer.status_code == 422
