"""Subscribing, emitting an event (call `emit` inside the transaction of the change), and the
test ping and replay staff ask for. Sending and its outcomes are in delivering.py.

A delivery and its send task are written in the change's transaction: a rolled-back change
sends nothing, and a committed one is sent even if the worker stops (delivering.recover)."""

import datetime as dt
import uuid
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks_db.backend import DatabaseBackend

from tilmeld.core import rows
from tilmeld.webhooks import listeners, payloads, urls_guard
from tilmeld.webhooks.enums import PING, DeliveryStatus, EventType
from tilmeld.webhooks.exceptions import WebhookError
from tilmeld.webhooks.models import Delivery, Subscription, send_lease


def new_message_id() -> str:
    """The `webhook-id`: unique per delivery, the same on each of its sends."""
    return f"msg_{uuid.uuid4().hex}"


def envelope(event_type: str, data: dict, *, at: dt.datetime | None = None) -> dict:
    """The body of every webhook: {"type", "timestamp", "data"}, as Standard Webhooks suggests."""
    return {"type": event_type, "timestamp": payloads.when(at or timezone.now()), "data": data}


def enqueue(message_id: str, *, at: dt.datetime | None = None) -> None:
    """Queues the send task in the current transaction (the database backend's task row joins
    a rows.batch block). `at`: not before then, where the backend can wait."""
    from tilmeld.webhooks.tasks import send_delivery

    task = send_delivery
    if at is not None:
        if not task.get_backend().supports_defer:
            return  # the sweep (delivering.recover) finds the delivery once it is due
        task = task.using(run_after=at)
    send = partial(task.enqueue, message_id)
    if isinstance(task.get_backend(), DatabaseBackend):
        send()
    else:
        rows.once_written(send)  # a backend may run the task at once: the row must exist


def clean_events(events) -> list[str]:
    names = sorted({str(name).strip() for name in events or ()} - {""})
    if not names:
        raise WebhookError(_("Choose at least one event."), code="events")
    if unknown := [name for name in names if name not in EventType.values]:
        raise WebhookError(
            _("Unknown event: %(event)s. Known: %(known)s.")
            % {"event": unknown[0], "known": ", ".join(EventType.values)},
            code="events",
        )
    return names


def save_subscription(subscription: Subscription, *, by=None) -> Subscription:
    """Stores a new or changed subscription after checking its URL (urls_guard: no local or
    private address unless settings allow it) and its events. Raises WebhookError, storing
    nothing. A new one gets its secret here (the model's default) and `by` as its maker."""
    subscription.url = subscription.url.strip()
    urls_guard.check_url(subscription.url)
    subscription.events = clean_events(subscription.events)
    if subscription.pk is None:
        subscription.created_by = by if by is not None and by.is_authenticated else None
    subscription.save()
    return subscription


def subscribe(url: str, *, events, description: str = "", by=None) -> Subscription:
    """A new, active subscription; see save_subscription."""
    return save_subscription(
        Subscription(url=url, events=list(events or ()), description=description), by=by
    )


def unsubscribe(subscription: Subscription) -> None:
    """Deletes the subscription with its delivery log; nothing more is sent to it."""
    subscription.delete()


def reenable(subscription: Subscription) -> bool:
    """Staff turn a disabled subscription on again, with its failure count cleared. Deliveries
    given up meanwhile stay so (staff may replay them). False if it was active."""
    changed = Subscription.objects.filter(pk=subscription.pk, is_active=False).update(
        is_active=True, disabled_at=None, disabled_reason="", consecutive_failures=0,
        failing_since=None,
    )  # fmt: skip
    listeners.changed()
    return bool(changed)


def emit(event_type: str, data) -> list[Delivery]:
    """Writes a delivery of the event for each active subscription listening to it, with its
    send task, in the current transaction. `data` is the object (a dict), or a function
    returning it, called only when someone listens. Reads nothing when nobody does (the
    listeners cache); on the registration's hot path its writes join the rows.batch block.
    Returns the deliveries written, without their primary keys (they are not read back)."""
    subscription_ids = listeners.subscription_ids(event_type)
    if not subscription_ids:
        return []
    with translation.override(settings.LANGUAGE_CODE):  # an event's title in the site's language
        body = envelope(event_type, data() if callable(data) else data)
    deliveries = [
        Delivery(
            subscription_id=pk, event_type=event_type, message_id=new_message_id(), payload=body
        )
        for pk in subscription_ids
    ]
    rows.insert(deliveries, keys=False)
    for delivery in deliveries:
        enqueue(delivery.message_id)
    return deliveries


def ping(subscription: Subscription) -> Delivery:
    """Queues a test message (type "webhook.ping") to the subscription, active or not. It is
    sent once, not retried, and does not count toward disabling the subscription."""
    data = {
        "subscription_id": subscription.pk,
        "message": "Test message from Tilmeld. / Testbesked fra Tilmeld.",
    }
    with transaction.atomic():
        delivery = Delivery.objects.create(
            subscription=subscription,
            event_type=PING,
            message_id=new_message_id(),
            payload=envelope(PING, data),
        )
        enqueue(delivery.message_id)
    return delivery


def replay(delivery: Delivery) -> bool:
    """Staff send a delivery again now: the same message (id and body), with a fresh round of
    retries. A delivery on its way is left alone (False); one for a disabled subscription is
    refused (WebhookError, code "inactive") until the subscription is re-enabled. Locks the row."""
    with transaction.atomic():
        locked = Delivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if locked is None:
            return False
        on_its_way = timezone.now() - send_lease()
        if locked.status == DeliveryStatus.SENDING and locked.claimed_at > on_its_way:
            return False
        active = Subscription.objects.filter(pk=locked.subscription_id, is_active=True).exists()
        if not active and locked.event_type != PING:
            raise WebhookError(
                _("The subscription is disabled: enable it again before replaying."),
                code="inactive",
            )
        Delivery.objects.filter(pk=locked.pk).update(
            status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
        )
        enqueue(locked.message_id)
    return True
