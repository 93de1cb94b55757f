"""The API's ground: tokens (only a hash stored, revocable, expiring, never more than the
owner's permissions), the public events endpoints, and problem details in both languages."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import EventFactory, OptionFactory, PriceFactory, StaffFactory, UserFactory
from tilmeld.api import tokens
from tilmeld.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_token_once_and_stores_only_its_hash():
    StaffFactory(username="anna", is_superuser=True)
    out, err = StringIO(), StringIO()

    call_command(
        "create_api_token", "anna", "--scopes", "events:read,registrations:read",
        stdout=out, stderr=err,
    )  # fmt: skip

    token = out.getvalue().strip()
    row = ApiToken.objects.get()
    assert token.startswith("tilmeld_") and len(token) == 48
    assert token not in str(ApiToken.objects.values().get())
    assert row.digest == tokens.digest(token)
    assert row.scopes == ["events:read", "registrations:read"]
    assert "shown only now" in err.getvalue()
    assert tokens.authenticate(token) == row


def test_the_command_refuses_an_unknown_scope_and_a_non_staff_user():
    StaffFactory(username="anna")
    UserFactory(username="bo")

    with pytest.raises(CommandError, match="events:write"):
        call_command("create_api_token", "anna", "--scopes", "events:write", stdout=StringIO())
    with pytest.raises(CommandError, match="No active staff user 'bo'"):
        call_command("create_api_token", "bo", "--scopes", "events:read", stdout=StringIO())
    assert ApiToken.objects.count() == 0


def test_revoked_and_expired_tokens_and_inactive_owners_authenticate_nobody():
    owner = StaffFactory()
    revoked, revoked_token = tokens.create_token(owner, name="CRM", scopes=["events:read"])
    _expired, expired_token = tokens.create_token(
        owner, name="Old", scopes=["events:read"], expires_at=timezone.now() - dt.timedelta(1)
    )
    _row, good = tokens.create_token(owner, name="Good", scopes=["events:read"])
    tokens.revoke(revoked)

    assert tokens.authenticate(revoked_token) is None
    assert tokens.authenticate(expired_token) is None
    assert tokens.authenticate(good[:-1] + ("A" if good[-1] != "A" else "B")) is None
    assert tokens.authenticate(good) is not None
    owner.is_active = False
    owner.save()
    assert tokens.authenticate(good) is None


def test_a_scope_grants_nothing_the_owner_may_not_do():
    owner = StaffFactory(is_superuser=False)
    row, _token = tokens.create_token(owner, name="CRM", scopes=["registrations:read"])
    assert not tokens.allows(row, "registrations:read")

    owner.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_participant", "view_booking"])
    )
    row = ApiToken.objects.select_related("owner").get(pk=row.pk)  # permissions are cached

    assert tokens.allows(row, "registrations:read")
    assert not tokens.allows(row, "invoices:read")


def test_events_list_is_public_and_says_state_seats_and_prices(client, site):
    event = EventFactory(title_da="Årsmøde", capacity=10, slug="aarsmoede")
    PriceFactory(event=event, name_da="Medlem", amount=Decimal("1995.00"), members_only=True)
    OptionFactory(event=event)

    answer = client.get("/api/v1/events", HTTP_ACCEPT_LANGUAGE="da")

    assert answer.status_code == 200
    [item] = answer.json()
    assert item["slug"] == "aarsmoede" and item["title"] == "Årsmøde"
    assert item["registration"]["state"] == "open"
    assert item["registration"]["seats_left"] == 10
    assert item["prices"] == [
        {
            "id": event.prices.get().pk,
            "name": "Medlem",
            "amount": "1995.00",
            "early_amount": None,
            "early_until": None,
            "current_amount": "1995.00",
            "members_only": True,
            "limit": None,
        }
    ]
    assert item["options"][0]["name"] == "Festmiddag"


def test_event_list_query_count_does_not_grow(client, site, django_assert_num_queries):
    for _ in range(3):
        event = EventFactory()
        PriceFactory(event=event)
    client.get("/api/v1/events")

    # events with venue, organiser and seat count; co-organisers; prices; options
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/events").json()) == 3


@pytest.mark.parametrize(
    ("language", "title", "detail"),
    [("da", "Ikke fundet", "Her er intet."), ("en", "Not found", "There is nothing here.")],
)
def test_an_unknown_event_is_a_translated_problem(client, language, title, detail):
    answer = client.get("/api/v1/events/findes-ikke", HTTP_ACCEPT_LANGUAGE=language)

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.json() == {
        "type": "urn:tilmeld:problem:not_found",
        "title": title,
        "status": 404,
        "detail": detail,
        "code": "not_found",
    }


def test_the_docs_are_served_from_our_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()

    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "Tilmeld API"
