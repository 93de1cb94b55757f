"""Staff subscribe in the admin, see the secret only when they ask, send a test message, enable
a disabled subscription again, and read and replay the delivery log."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import StaffFactory, UserFactory
from tilmeld.webhooks import delivering, services
from tilmeld.webhooks.enums import DisabledReason, EventType
from tilmeld.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.215.14/hooks"
SUBSCRIPTIONS = reverse("admin:webhooks_subscription_changelist")
DELIVERIES = reverse("admin:webhooks_delivery_changelist")


@pytest.fixture
def staff(site):
    return StaffFactory(username="kirsten")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def subscription():
    return services.subscribe(PUBLIC, events=[EventType.INVOICE_PAID], description="Økonomi")


def messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_staff_subscribe_with_the_events_they_tick(staff_client, staff):
    response = staff_client.post(
        reverse("admin:webhooks_subscription_add"),
        {"url": PUBLIC, "events": ["invoice.paid", "invoice.issued"], "description": "Økonomi"},
    )

    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert (subscription.url, subscription.events, subscription.created_by) == (
        PUBLIC,
        ["invoice.issued", "invoice.paid"],
        staff,
    )


def test_a_local_url_is_refused_in_the_form(staff_client):
    response = staff_client.post(
        reverse("admin:webhooks_subscription_add"),
        {"url": "http://localhost:5432/", "events": ["invoice.paid"]},
    )

    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["url"]
    assert error.startswith("localhost er en lokal eller privat adresse (")
    assert error.endswith("); webhooks sendes kun til offentlige adresser.")
    assert Subscription.objects.count() == 0


def test_the_secret_is_masked_and_shown_only_on_request(staff_client, subscription):
    page = staff_client.get(
        reverse("admin:webhooks_subscription_change", args=[subscription.pk])
    ).content.decode()
    shown = staff_client.get(reverse("admin:webhooks_subscription_secret", args=[subscription.pk]))

    assert subscription.secret not in page
    assert f"{subscription.secret[:10]}…••••••••" in page
    assert reverse("admin:webhooks_subscription_secret", args=[subscription.pk]) in page
    assert f'<code class="webhook-secret">{subscription.secret}</code>' in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]


def test_staff_who_may_only_look_are_not_shown_the_secret(client, site, subscription):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_subscription"))
    client.force_login(viewer)

    response = client.get(reverse("admin:webhooks_subscription_secret", args=[subscription.pk]))

    assert response.status_code == 403


def test_test_message_action_queues_a_ping(staff_client, subscription):
    response = staff_client.post(
        SUBSCRIPTIONS,
        {"action": "send_ping", "_selected_action": [subscription.pk]},
        follow=True,
    )

    delivery = Delivery.objects.get()
    assert (delivery.subscription, delivery.event_type, delivery.status) == (
        subscription,
        "webhook.ping",
        "pending",
    )
    assert messages(response) == ["1 testbesked er sat i kø; resultatet ses i leveringsloggen."]


def test_enable_again_clears_why_it_was_disabled(staff_client, subscription):
    delivering.disable(subscription, DisabledReason.GONE)
    Subscription.objects.filter(pk=subscription.pk).update(consecutive_failures=5)

    response = staff_client.post(
        SUBSCRIPTIONS,
        {"action": "enable_again", "_selected_action": [subscription.pk]},
        follow=True,
    )

    subscription.refresh_from_db()
    assert (
        subscription.is_active,
        subscription.disabled_at,
        subscription.disabled_reason,
        subscription.consecutive_failures,
    ) == (True, None, "", 0)
    assert messages(response) == ["1 abonnement er slået til igen."]


def test_a_disabled_subscription_says_why(staff_client, subscription):
    delivering.disable(subscription, DisabledReason.FAILING)

    page = staff_client.get(SUBSCRIPTIONS).content.decode()

    assert "Leveringerne blev ved med at fejle" in page


@pytest.mark.parametrize("count", [1, 3])
def test_delivery_log_query_count_does_not_grow(
    staff_client, subscription, count, django_assert_num_queries
):
    for _ in range(count):
        services.ping(subscription)
    staff_client.get(DELIVERIES)

    # session, user, the subscriptions and the event types to filter by, the count and the
    # count of all, site settings, the deliveries with their subscriptions, and the date
    # drill-down's range and days
    with django_assert_num_queries(10):
        response = staff_client.get(DELIVERIES)

    assert len(response.context["cl"].result_list) == count


def test_replay_queues_the_same_message_again(staff_client, subscription):
    delivered = services.ping(subscription)
    Delivery.objects.filter(pk=delivered.pk).update(status="delivered", attempts=1)

    response = staff_client.post(
        DELIVERIES, {"action": "replay", "_selected_action": [delivered.pk]}, follow=True
    )

    delivered.refresh_from_db()
    assert (delivered.status, delivered.attempts, delivered.message_id) == (
        "pending",
        0,
        Delivery.objects.get().message_id,
    )
    assert messages(response) == ["1 levering er sat i kø til at blive sendt igen."]


def test_replay_for_a_disabled_subscription_is_refused(staff_client, subscription):
    services.emit(EventType.INVOICE_PAID, {"id": 1})
    delivering.disable(subscription, DisabledReason.GONE)

    response = staff_client.post(
        DELIVERIES,
        {"action": "replay", "_selected_action": [Delivery.objects.get().pk]},
        follow=True,
    )

    assert Delivery.objects.get().status == "abandoned"
    assert messages(response) == [
        "0 leveringer er sat i kø til at blive sendt igen.",
        "Økonomi: Abonnementet er slået fra: slå det til igen, før du sender igen.",
    ]


def test_the_log_shows_the_body_as_sent(staff_client, subscription):
    services.emit(EventType.INVOICE_PAID, {"id": 7, "buyer_name": "Køge <Bibliotek>"})
    delivery = Delivery.objects.get()

    page = staff_client.get(
        reverse("admin:webhooks_delivery_change", args=[delivery.pk])
    ).content.decode()

    assert "&quot;buyer_name&quot;:&quot;Køge &lt;Bibliotek&gt;&quot;" in page  # escaped
    assert delivery.message_id in page
