"""Webhooks sent by the real worker (`db_worker --batch`) to a real HTTP receiver on 127.0.0.1,
each verified with the standardwebhooks package as a receiver verifies it."""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import EventFactory, register_people
from tests.webhooks.conftest import verified
from tests.webhooks.receiver import Receiver
from tilmeld.registrations.models import Booking
from tilmeld.webhooks import delivering, sending, services
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.models import Delivery
from tilmeld.webhooks.payloads import when
from tilmeld.webhooks.tasks import send_delivery

pytestmark = pytest.mark.django_db(transaction=True)


def statuses():
    return sorted(Delivery.objects.values_list("event_type", "status", "attempts"))


def test_a_registration_is_sent_signed_to_its_subscriber(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED, EventType.REGISTRATION_CONFIRMED)
    event = EventFactory(slug="konference")

    [anne] = register_people(event, "Anne")
    assert receiver.requests == []  # nothing is sent inside the registration
    run_worker()

    booking = Booking.objects.get()
    bodies = sorted(verified(receiver, subscription), key=lambda body: body["type"])
    assert [body["type"] for body in bodies] == ["registration.confirmed", "registration.created"]
    assert bodies[1]["data"] == {
        "id": booking.pk,
        "event": "konference",
        "booker": {"name": "Anne", "email": "anne@example.org", "organisation": "", "phone": ""},
        "language": "da",
        "payer": None,
        "participants": [anne.pk],
        "created_at": when(booking.created_at),
    }
    assert bodies[0]["data"] == {
        "id": anne.pk,
        "booking_id": booking.pk,
        "event": "konference",
        "name": "Anne",
        "email": "anne@example.org",
        "organisation": "",
        "job_title": "",
        "phone": "",
        "language": "da",
        "status": "confirmed",
        "waiting_position": None,
        "offer_expires_at": None,
        "price": None,
        "options": [],
        "sessions": [],
        "checked_in_at": None,
        "in_participant_list": False,
        "created_at": when(anne.created_at),
        "updated_at": when(anne.updated_at),
        "cancelled_at": None,
    }
    deliveries = Delivery.objects.order_by("event_type")
    assert {r.webhook_id for r in receiver.requests} == {d.message_id for d in deliveries}
    assert [(r.path, r.headers["content-type"]) for r in receiver.requests] == [
        ("/hooks", "application/json")
    ] * 2
    assert statuses() == [
        ("registration.confirmed", "delivered", 1),
        ("registration.created", "delivered", 1),
    ]
    assert [d.last_status_code for d in deliveries] == [200, 200]


def test_a_participant_beyond_the_capacity_is_sent_as_waitlisted(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CONFIRMED, EventType.REGISTRATION_WAITLISTED)

    anne, bo = register_people(EventFactory(capacity=1), "Anne", "Bo")
    run_worker()

    sent = sorted((b["type"], b["data"]["id"]) for b in verified(receiver, subscription))
    assert sent == [("registration.confirmed", anne.pk), ("registration.waitlisted", bo.pk)]


def test_a_rolled_back_registration_sends_nothing(subscribe, receiver, run_worker):
    subscribe()
    event = EventFactory()

    with pytest.raises(RuntimeError), transaction.atomic():
        register_people(event, "Anne")
        raise RuntimeError("the change fails after the registration")
    run_worker()

    assert Delivery.objects.count() == 0
    assert not DBTaskResult.objects.filter(task_path=send_delivery.module_path).exists()
    assert receiver.requests == []


def test_without_subscribers_a_registration_reads_no_subscription_after_the_first(
    private_urls,
):
    event = EventFactory()
    register_people(event, "Anne")  # fills this process's list of subscriptions: none

    with CaptureQueriesContext(connection) as queries:
        register_people(event, "Bo")

    assert [q["sql"] for q in queries if "webhooks_" in q["sql"]] == []
    assert Delivery.objects.count() == 0


def test_a_subscription_made_in_this_process_hears_the_next_registration(subscribe, receiver):
    event = EventFactory()
    register_people(event, "Anne")  # the list of subscriptions is cached: none

    subscribe(EventType.REGISTRATION_CREATED)
    register_people(event, "Bo")

    assert statuses() == [("registration.created", "pending", 0)]


def test_a_failed_send_is_retried_later_with_the_same_message(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    receiver.answers = [500]
    register_people(EventFactory(), "Anne")

    with time_machine.travel(timezone.now(), tick=False) as clock:
        run_worker()
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 1, 500)
        assert delivery.last_error == "HTTP 500: no thanks"
        assert delivery.next_attempt_at == timezone.now() + dt.timedelta(seconds=5)

        clock.shift(dt.timedelta(seconds=4))
        run_worker()  # not due yet
        assert len(receiver.requests) == 1

        clock.shift(dt.timedelta(seconds=1))
        run_worker()

    first, second = receiver.requests
    assert first.webhook_id == second.webhook_id == delivery.message_id
    assert first.body == second.body
    assert [b["type"] for b in verified(receiver, subscription)] == ["registration.created"] * 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 2, "")


def test_gone_disables_the_subscription_and_gives_up_what_waits(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    receiver.status = 410
    event = EventFactory()
    register_people(event, "Anne")
    register_people(event, "Bo")
    first, second = Delivery.objects.order_by("id")
    DBTaskResult.objects.filter(args_kwargs__args=[second.message_id]).delete()
    # ^ so that the worker sends only the first; the second is given up with the subscription

    run_worker()
    register_people(event, "Cecilie")

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.disabled_reason) == (False, "gone")
    assert subscription.disabled_at is not None
    assert [r.webhook_id for r in receiver.requests] == [first.message_id]
    assert list(Delivery.objects.order_by("id").values_list("status", "last_error")) == [
        ("abandoned", "HTTP 410: no thanks"),
        ("abandoned", "Not sent: the subscription was disabled"),
    ]


def test_after_the_last_retry_a_delivery_is_given_up_and_five_disable(
    subscribe, receiver, run_worker
):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    receiver.status = 503
    event = EventFactory()
    for name in ["Anne", "Bo", "Cecilie", "Dorte", "Erik"]:
        register_people(event, name)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        run_worker()
        for delay in delivering.RETRY_DELAYS:
            clock.shift(delay)
            run_worker()
        subscription.refresh_from_db()
        assert subscription.failing_since < timezone.now() - dt.timedelta(days=2, hours=22)

    total = dt.timedelta(days=2, hours=23, minutes=35, seconds=5)  # about three days
    assert sum(delivering.RETRY_DELAYS, dt.timedelta()) == total
    assert sorted(receiver.counts().values()) == [10] * 5
    for message_id in receiver.counts():
        assert len({r.body for r in receiver.requests if r.webhook_id == message_id}) == 1
    assert statuses() == [("registration.created", "abandoned", 10)] * 5
    assert (subscription.is_active, subscription.disabled_reason) == (False, "failing")
    assert subscription.consecutive_failures == 5


def test_three_days_of_failure_disable_the_subscription(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    receiver.status = 500
    register_people(EventFactory(), "Anne")

    with time_machine.travel(timezone.now(), tick=False) as clock:
        run_worker()
        clock.shift(dt.timedelta(days=3))
        register_people(EventFactory(), "Bo")
        run_worker()

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.disabled_reason) == (False, "failing")
    assert subscription.consecutive_failures == 0  # none given up yet: it was the time
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["abandoned"] * 2


def test_a_delivery_clears_the_failures_before_it(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    receiver.answers = [500]
    event = EventFactory()
    register_people(event, "Anne")

    with time_machine.travel(timezone.now(), tick=False) as clock:
        run_worker()
        subscription.refresh_from_db()
        assert (subscription.consecutive_failures, subscription.failing_since) == (
            0,
            timezone.now(),
        )
        clock.shift(dt.timedelta(seconds=5))
        run_worker()

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.failing_since) == (True, None)


def test_a_redirect_is_not_followed(subscribe, receiver, run_worker):
    subscribe(EventType.REGISTRATION_CREATED)
    receiver.status = 302
    register_people(EventFactory(), "Anne")

    run_worker()

    assert len(receiver.requests) == 1
    assert statuses() == [("registration.created", "failed", 1)]
    assert Delivery.objects.get().last_status_code == 302


def test_a_receiver_too_slow_to_answer_is_a_failure(subscribe, receiver, run_worker, monkeypatch):
    monkeypatch.setattr(sending, "TOTAL_TIMEOUT", 0.3)
    subscribe(EventType.REGISTRATION_CREATED)
    receiver.delay = 2
    register_people(EventFactory(), "Anne")

    run_worker()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_status_code) == ("failed", None)
    assert delivery.last_error == "TimeoutError: no complete answer within 0.3 s"


def test_an_address_refused_now_is_not_sent_to(subscribe, receiver, run_worker, settings):
    subscribe(EventType.REGISTRATION_CREATED)
    register_people(EventFactory(), "Anne")
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False  # as if the name now pointed inside

    run_worker()

    assert receiver.requests == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.last_error == (
        "Refused: 127.0.0.1 is a local or private address (127.0.0.1); webhooks are sent only to"
        " public addresses."
    )


def test_a_ping_is_sent_once_to_any_subscription(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.INVOICE_PAID)
    subscription.is_active = False
    subscription.save()
    receiver.answers = [200, 500]

    first = services.ping(subscription)
    run_worker()
    second = services.ping(subscription)
    run_worker()

    bodies = verified(receiver, subscription)
    assert [b["type"] for b in bodies] == ["webhook.ping"] * 2
    assert bodies[0]["data"] == {
        "subscription_id": subscription.pk,
        "message": "Test message from Tilmeld. / Testbesked fra Tilmeld.",
    }
    assert [r.webhook_id for r in receiver.requests] == [first.message_id, second.message_id]
    assert list(Delivery.objects.order_by("id").values_list("status", "attempts")) == [
        ("delivered", 1),
        ("abandoned", 1),  # a ping is not retried
    ]
    subscription.refresh_from_db()
    assert (subscription.consecutive_failures, subscription.failing_since) == (0, None)


def test_replay_sends_the_same_message_again(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    register_people(EventFactory(), "Anne")
    run_worker()
    delivery = Delivery.objects.get()

    assert services.replay(delivery) is True
    run_worker()

    first, second = receiver.requests
    assert (first.webhook_id, first.body) == (second.webhook_id, second.body)
    assert len(verified(receiver, subscription)) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)


def test_a_receiver_that_is_not_there_is_a_failure(subscribe, run_worker):
    with Receiver() as gone:
        url = gone.url  # a port nobody listens on once the receiver stopped
    subscribe(EventType.REGISTRATION_CREATED, url=url)
    register_people(EventFactory(), "Anne")

    run_worker()

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "ConnectionRefusedError: [Errno 111] Connection refused"
