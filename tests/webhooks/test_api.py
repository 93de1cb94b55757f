"""/api/v1/webhooks: subscribe, list, unsubscribe and ping with a webhooks:write token. A URL
into the server's own network is refused with problem details, and nothing is stored."""

import json

import pytest
from django.contrib.auth.models import Permission

from tests.factories import StaffFactory, UserFactory
from tests.webhooks.conftest import verified
from tilmeld.api.enums import Scope
from tilmeld.api.tokens import create_token
from tilmeld.webhooks import services
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.models import Delivery, Subscription
from tilmeld.webhooks.payloads import when

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks"
PUBLIC = "https://93.184.215.14/hooks"  # an address on the internet, written as one


@pytest.fixture
def owner():
    return StaffFactory(username="integration")


@pytest.fixture
def token(owner):
    _row, token = create_token(owner, name="CRM", scopes=[Scope.WEBHOOKS_WRITE])
    return token


def call(client, method, path, token=None, body=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(path, data=data, content_type="application/json", **headers)


def problem(response) -> tuple[int, str, dict]:
    return response.status_code, response["Content-Type"], response.json()


def test_subscribe_stores_the_subscription_and_shows_its_secret_once(client, token, owner):
    response = call(
        client,
        "post",
        URL,
        token,
        {"url": PUBLIC, "events": ["invoice.paid", "registration.created"], "description": "CRM"},
    )

    subscription = Subscription.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": subscription.pk,
        "url": PUBLIC,
        "events": ["invoice.paid", "registration.created"],
        "description": "CRM",
        "is_active": True,
        "disabled_at": None,
        "disabled_reason": "",
        "created_at": when(subscription.created_at),
        "secret": subscription.secret,
    }
    assert subscription.secret.startswith("whsec_")
    assert subscription.created_by == owner
    assert "secret" not in call(client, "get", URL, token).json()[0]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        (
            "http://127.0.0.1:8000/admin/",
            "127.0.0.1 er en lokal eller privat adresse (127.0.0.1); webhooks sendes kun til"
            " offentlige adresser.",
        ),
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254 er en lokal eller privat adresse (169.254.169.254); webhooks sendes"
            " kun til offentlige adresser.",
        ),
        ("file:///etc/passwd", "En webhook-URL skal begynde med https:// eller http://."),
    ],
)
def test_a_url_into_the_network_is_refused_and_nothing_stored(client, token, url, detail):
    response = call(client, "post", URL, token, {"url": url, "events": ["invoice.paid"]})

    assert problem(response) == (
        422,
        "application/problem+json",
        {
            "type": "urn:tilmeld:problem:url",
            "title": "Ugyldige data",
            "status": 422,
            "detail": detail,
            "code": "url",
        },
    )
    assert Subscription.objects.count() == 0


def test_an_unknown_event_is_refused(client, token):
    response = call(client, "post", URL, token, {"url": PUBLIC, "events": ["invoice.lost"]})

    status, _type, body = problem(response)
    assert (status, body["code"]) == (422, "events")
    assert body["detail"] == (
        "Ukendt hændelse: invoice.lost. Kendte: " + ", ".join(EventType.values) + "."
    )
    assert Subscription.objects.count() == 0


def test_a_missing_field_is_a_validation_problem(client, token):
    response = call(client, "post", URL, token, {"events": ["invoice.paid"]})

    status, _type, body = problem(response)
    assert (status, body["code"], body["errors"]) == (
        422,
        "validation",
        [{"field": "payload.url", "message": "Field required"}],
    )


def test_without_a_token_or_its_scope_nothing_is_done(client, owner):
    _row, reader = create_token(owner, name="Reader", scopes=[Scope.EVENTS_READ])
    body = {"url": PUBLIC, "events": ["invoice.paid"]}

    anonymous = call(client, "post", URL, None, body)
    scopeless = call(client, "post", URL, reader, body)

    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthenticated")
    assert (scopeless.status_code, scopeless.json()["code"]) == (403, "scope")
    assert Subscription.objects.count() == 0


def test_the_scope_needs_the_owners_permission(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_subscription"))
    _row, token = create_token(clerk, name="Clerk", scopes=[Scope.WEBHOOKS_WRITE])

    response = call(client, "get", URL, token)

    assert (response.status_code, response.json()["code"]) == (403, "scope")


@pytest.mark.parametrize("count", [1, 3])
def test_list_reads_one_query_whatever_the_count(client, token, count, django_assert_num_queries):
    made = [
        services.subscribe(f"{PUBLIC}/{n}", events=["invoice.paid"], description=f"S{n}")
        for n in range(count)
    ]
    call(client, "get", URL, token)  # the token's last use is written once a minute

    # the token with its owner (a superuser: no permission query), the subscriptions
    with django_assert_num_queries(2):
        response = call(client, "get", URL, token)

    assert [item["description"] for item in response.json()] == [
        s.description for s in reversed(made)
    ]


def test_unsubscribe_deletes_the_subscription_with_its_log(client, token):
    subscription = services.subscribe(PUBLIC, events=["invoice.paid"])
    services.ping(subscription)

    response = call(client, "delete", f"{URL}/{subscription.pk}", token)
    missing = call(client, "delete", f"{URL}/{subscription.pk}", token)

    assert (response.status_code, response.content) == (204, b"")
    assert (Subscription.objects.count(), Delivery.objects.count()) == (0, 0)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


@pytest.mark.django_db(transaction=True)
def test_ping_queues_a_signed_test_message(client, subscribe, receiver, run_worker):
    subscription = subscribe(EventType.INVOICE_PAID)
    _row, token = create_token(StaffFactory(), name="CRM", scopes=[Scope.WEBHOOKS_WRITE])

    response = call(client, "post", f"{URL}/{subscription.pk}/ping", token)
    run_worker()

    delivery = Delivery.objects.get()
    assert (response.status_code, response.json()) == (202, {"message_id": delivery.message_id})
    assert [body["type"] for body in verified(receiver, subscription)] == ["webhook.ping"]
    assert delivery.status == "delivered"
