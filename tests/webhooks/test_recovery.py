"""A send interrupted by a stopped worker: its claim, committed before the HTTP request, is
found once the lease is over, and the same message (webhook-id and body) is sent again. The
worker is the real `db_worker --batch`, which runs its sweeps when it starts."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.factories import EventFactory, register_people
from tests.webhooks.conftest import verified
from tilmeld.webhooks import delivering
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.models import Delivery
from tilmeld.webhooks.tasks import send_delivery

pytestmark = pytest.mark.django_db(transaction=True)

LEASE = dt.timedelta(seconds=settings.WEBHOOKS_SEND_LEASE)


def killed_mid_send(delivery: Delivery) -> DBTaskResult:
    """What a worker killed during the HTTP request leaves: its task "running", the delivery
    claimed ("sending") by the real claim."""
    task = DBTaskResult.objects.get(args_kwargs__args=[delivery.message_id])
    task.claim("killed-worker")
    assert delivering._claim(delivery.message_id) is not None
    return task


def test_an_interrupted_send_is_sent_again_after_the_lease(subscribe, receiver, run_worker):
    subscription = subscribe(EventType.REGISTRATION_CREATED)
    register_people(EventFactory(), "Anne")
    delivery = Delivery.objects.get()
    killed_mid_send(delivery)

    with time_machine.travel(timezone.now(), tick=False) as clock:
        clock.shift(LEASE - dt.timedelta(seconds=1))
        run_worker()  # within the lease: it may still be on its way
        delivery.refresh_from_db()
        assert (delivery.status, receiver.requests) == ("sending", [])

        clock.shift(dt.timedelta(seconds=1))
        run_worker()

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert delivery.last_error == ""
    assert [r.webhook_id for r in receiver.requests] == [delivery.message_id]
    assert [b["type"] for b in verified(receiver, subscription)] == ["registration.created"]


def test_a_due_delivery_without_a_task_gets_one(subscribe, receiver, run_worker):
    subscribe(EventType.REGISTRATION_CREATED)
    register_people(EventFactory(), "Anne")
    DBTaskResult.objects.all().delete()  # as if its worker died before taking it

    run_worker()
    assert receiver.requests == []  # just written: its task may be on its way

    with time_machine.travel(timezone.now() + LEASE):
        run_worker()

    assert Delivery.objects.get().status == "delivered"
    assert len(receiver.requests) == 1


def test_the_sweep_says_what_it_queued_and_leaves_live_tasks_alone(subscribe):
    subscribe(EventType.REGISTRATION_CREATED)
    event = EventFactory()
    register_people(event, "Anne")
    register_people(event, "Bo")
    register_people(event, "Cai")
    interrupted, orphan, waiting = Delivery.objects.order_by("id")
    killed_mid_send(interrupted)
    DBTaskResult.objects.filter(args_kwargs__args=[orphan.message_id]).delete()

    with time_machine.travel(timezone.now() + LEASE):
        counts = delivering.recover_deliveries()

    assert counts == {"resent": 1, "requeued": 1}
    assert list(Delivery.objects.order_by("id").values_list("status", flat=True)) == [
        "pending",
        "pending",
        "pending",
    ]
    ready = DBTaskResult.objects.filter(status="READY", task_path=send_delivery.module_path)
    assert sorted(args["args"][0] for args in ready.values_list("args_kwargs", flat=True)) == (
        sorted([interrupted.message_id, orphan.message_id, waiting.message_id])
    )
    interrupted.refresh_from_db()
    assert interrupted.last_error.startswith("Interrupted while sending (begun ")


def test_the_delivery_log_keeps_what_waits_and_forgets_old_outcomes(subscribe, settings):
    settings.WEBHOOKS_KEEP_DAYS = 30
    subscribe(EventType.REGISTRATION_CREATED)
    event = EventFactory()
    for name in ("Anne", "Bo", "Cai", "Dan"):
        register_people(event, name)
    delivered, abandoned, failed, recent = Delivery.objects.order_by("id")
    Delivery.objects.filter(pk=delivered.pk).update(status="delivered")
    Delivery.objects.filter(pk=abandoned.pk).update(status="abandoned")
    Delivery.objects.filter(pk=failed.pk).update(status="failed")  # to be tried again
    made = timezone.now()

    with time_machine.travel(made + dt.timedelta(days=30, seconds=-1)):
        assert delivering.prune_deliveries() == 0
    Delivery.objects.filter(pk=recent.pk).update(
        status="delivered", created_at=made + dt.timedelta(days=1)
    )
    with time_machine.travel(made + dt.timedelta(days=30, seconds=1)):
        deleted = delivering.prune_deliveries()

    assert deleted == 2
    assert list(Delivery.objects.order_by("id")) == [failed, recent]
