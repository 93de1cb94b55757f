"""Sending a delivery, what its answer means, and taking back what stopped workers left.

A send commits its claim (status "sending", `claimed_at`) before the HTTP request and records
the answer after it. A worker killed in between leaves the claim behind; once it is older than
the lease (settings.WEBHOOKS_SEND_LEASE) `recover_deliveries` queues the delivery again, so
every delivery arrives at least once, and a receiver recognises a second copy by its
`webhook-id`, which never changes (the body neither).

The answer: 2xx delivered; 410 Gone disables the subscription; anything else (another status,
a refused connection, a timeout, an address the guard refuses now) is tried again after
RETRY_DELAYS, about three days in all, then given up. A subscription is disabled
after DISABLE_AFTER_GIVEN_UP deliveries given up in a row, or after failing for DISABLE_AFTER
without a delivery in between; staff see why in the admin and re-enable it there."""

import datetime as dt
import http.client
import json
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from standardwebhooks.webhooks import Webhook

from tilmeld.webhooks import listeners, sending, urls_guard
from tilmeld.webhooks.enums import PING, DeliveryStatus, DisabledReason
from tilmeld.webhooks.exceptions import WebhookError
from tilmeld.webhooks.models import Delivery, Subscription, send_lease
from tilmeld.webhooks.services import enqueue

# After the first attempt fails: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 14 h, 20 h.
RETRY_DELAYS = [
    dt.timedelta(seconds=5),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=5),
    dt.timedelta(hours=10),
    dt.timedelta(hours=10),
    dt.timedelta(hours=14),
    dt.timedelta(hours=30),
]
DISABLE_AFTER_GIVEN_UP = 5
DISABLE_AFTER = dt.timedelta(days=3)
SWEEP_BATCH = 500
PRUNE_BATCH = 5000  # deliveries deleted by one sweep
WAITING = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)

log = logging.getLogger(__name__)


def body(delivery: Delivery) -> bytes:
    """The bytes sent and signed: the same for every send of the delivery (keys sorted, as the
    database may not keep their order)."""
    return json.dumps(
        delivery.payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def signed_headers(delivery: Delivery, secret: str, data: bytes, *, at=None) -> dict[str, str]:
    """The Standard Webhooks headers: webhook-id, webhook-timestamp and webhook-signature (v1,
    HMAC-SHA256 of "id.timestamp.body" with the subscription's secret)."""
    at = at or timezone.now()
    return {
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(delivery.message_id, at, data),
    }


def _write(delivery: Delivery, *fields: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(**{f: getattr(delivery, f) for f in fields})


def _claim(message_id: str) -> Delivery | None:
    """The due delivery, marked as being sent now and committed; None if there is nothing to
    send (sent, on its way with another worker, not due yet, or its subscription disabled:
    then it is given up)."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(message_id=message_id, status__in=WAITING)
            .first()
        )
        if delivery is None or (delivery.next_attempt_at and delivery.next_attempt_at > now):
            return None  # an early task: the one queued for its time sends it
        subscription = Subscription.objects.filter(pk=delivery.subscription_id).first()
        if subscription is None:  # deleted while the delivery was written (models.Delivery)
            delivery.delete()
            return None
        if not subscription.is_active and delivery.event_type != PING:
            delivery.status = DeliveryStatus.ABANDONED
            delivery.next_attempt_at = None
            delivery.last_error = "Not sent: the subscription is disabled"
            _write(delivery, "status", "next_attempt_at", "last_error")
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        _write(delivery, "status", "claimed_at", "attempts")
    delivery.subscription = subscription
    return delivery


def send(message_id: str) -> str:
    """Sends the delivery if it is due and records the answer (see the module's docstring).
    No transaction is open during the request. Returns what happened, for the task's result."""
    delivery = _claim(message_id)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    status, error = None, ""
    try:
        with translation.override("en"):  # the log's errors are in English, as the others
            target = urls_guard.check_url(subscription.url)  # again: DNS may have changed
        data = body(delivery)
        answer = sending.post(target, data, signed_headers(delivery, subscription.secret, data))
        status = answer.status
        if not 200 <= status < 300:
            error = f"HTTP {status}: {answer.text}".strip()
    except WebhookError as refused:
        error = f"Refused: {refused.message}"
    except (OSError, http.client.HTTPException) as failed:
        error = f"{type(failed).__name__}: {failed}"
    if error:
        log.warning("Webhook %s to %s failed: %s", message_id, subscription.url, error)
    return record_outcome(delivery, status, error)


def _claimed(delivery: Delivery):
    """The delivery's row as long as this send's claim holds (the sweep may have taken it)."""
    return Delivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=delivery.claimed_at
    )


def record_outcome(delivery: Delivery, status: int | None, error: str) -> str:
    """Records a send's answer (`status`, None without one) on the claimed delivery and its
    subscription, under both rows' locks. Nothing changes if the claim expired meanwhile: the
    delivery was queued again and goes out once more."""
    now = timezone.now()
    with transaction.atomic():
        if _claimed(delivery).select_for_update().first() is None:
            return "sent late"
        subscription = Subscription.objects.select_for_update().filter(pk=delivery.subscription_id)
        subscription = subscription.first()
        counts = subscription is not None and delivery.event_type != PING
        delivery.last_status_code = status
        delivery.last_error = error[:2000]
        delivery.next_attempt_at = None
        if status is not None and 200 <= status < 300:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = now
            if counts and (subscription.consecutive_failures or subscription.failing_since):
                subscription.consecutive_failures = 0
                subscription.failing_since = None
                subscription.save(update_fields=["consecutive_failures", "failing_since"])
        elif status == 410 or delivery.event_type == PING or delivery.attempts > len(RETRY_DELAYS):
            delivery.status = DeliveryStatus.ABANDONED
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
        fields = ["status", "last_status_code", "last_error", "next_attempt_at", "delivered_at"]
        _write(delivery, *fields)
        if delivery.status == DeliveryStatus.FAILED:
            enqueue(delivery.message_id, at=delivery.next_attempt_at)
        if status == 410 and subscription is not None:
            disable(subscription, DisabledReason.GONE, now=now)
        elif counts and delivery.status != DeliveryStatus.DELIVERED:
            _count_failure(subscription, delivery, now=now)
    return delivery.status


def _count_failure(subscription: Subscription, delivery: Delivery, *, now) -> None:
    subscription.failing_since = subscription.failing_since or now
    if delivery.status == DeliveryStatus.ABANDONED:
        subscription.consecutive_failures += 1
    subscription.save(update_fields=["consecutive_failures", "failing_since"])
    too_many = subscription.consecutive_failures >= DISABLE_AFTER_GIVEN_UP
    if subscription.is_active and (too_many or now - subscription.failing_since >= DISABLE_AFTER):
        disable(subscription, DisabledReason.FAILING, now=now)


def disable(subscription: Subscription, reason: DisabledReason, *, now=None) -> None:
    """Stops sending to a (locked) subscription: nothing new is written for it, and what waits
    to be sent is given up (staff may replay it after re-enabling the subscription)."""
    now = now or timezone.now()
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = reason
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason"])
    Delivery.objects.filter(subscription=subscription, status__in=WAITING).exclude(
        event_type=PING
    ).update(
        status=DeliveryStatus.ABANDONED,
        next_attempt_at=None,
        last_error="Not sent: the subscription was disabled",
    )
    log.warning("Webhook subscription %s (%s) disabled: %s", subscription.pk, subscription, reason)
    listeners.changed()


def recover_deliveries(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Takes back what stopped workers left; safe to run at any time, from any process.

    - A send claimed longer than the lease ago was interrupted: queued again at once. The
      receiver may have it already: it gets the same message again (same webhook-id).
    - A due delivery that has waited longer than the lease with no live task (its worker died
      before claiming it, or the backend could not wait for its retry) gets a new task.

    Returns how many were queued again ("resent", "requeued")."""
    from tilmeld.webhooks.tasks import send_delivery

    counts = {"resent": 0, "requeued": 0}
    if not isinstance(send_delivery.get_backend(), DatabaseBackend):
        return counts  # other backends keep no task rows to look at
    now = now or timezone.now()
    cutoff = now - send_lease()

    with transaction.atomic():
        interrupted = Delivery.objects.select_for_update(skip_locked=True).filter(
            status=DeliveryStatus.SENDING, claimed_at__lte=cutoff
        )
        for delivery in interrupted.order_by("claimed_at")[:SWEEP_BATCH]:
            begun = timezone.localtime(delivery.claimed_at).isoformat(timespec="seconds")
            delivery.status = DeliveryStatus.PENDING
            delivery.next_attempt_at = None
            delivery.last_error = f"Interrupted while sending (begun {begun})"
            _write(delivery, "status", "next_attempt_at", "last_error")
            enqueue(delivery.message_id, at=now)
            counts["resent"] += 1
            log.warning("Webhook %s: %s", delivery.message_id, delivery.last_error)

    waiting = list(
        Delivery.objects.alias(due_since=Coalesce("next_attempt_at", "created_at"))
        .filter(status__in=WAITING, due_since__lte=cutoff)
        .order_by("due_since")
        .values_list("message_id", flat=True)[:SWEEP_BATCH]
    )
    if waiting:
        live = DBTaskResult.objects.filter(
            Q(status=TaskResultStatus.READY)
            | Q(status=TaskResultStatus.RUNNING, started_at__gt=cutoff),
            task_path=send_delivery.module_path,
            args_kwargs__args__0__in=waiting,
        )
        queued = {args["args"][0] for args in live.values_list("args_kwargs", flat=True)}
        for message_id in waiting:
            if message_id not in queued:
                enqueue(message_id, at=now)
                counts["requeued"] += 1
    return counts


def prune_deliveries(*, now: dt.datetime | None = None) -> int:
    """The worker's sweep (settings.WORKER_SWEEPS) that keeps the delivery log from growing
    for ever: deletes delivered and given-up deliveries made more than WEBHOOKS_KEEP_DAYS ago,
    a batch at a time. Those still waiting or being sent are never deleted. Returns how many
    were deleted."""
    now = now or timezone.now()
    old = Delivery.objects.filter(
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.ABANDONED],
        created_at__lt=now - dt.timedelta(days=settings.WEBHOOKS_KEEP_DAYS),
    )
    ids = list(old.order_by("id").values_list("id", flat=True)[:PRUNE_BATCH])
    deleted, _rows = Delivery.objects.filter(id__in=ids).delete()
    if deleted:
        log.info("Webhook delivery log: %s old deliveries deleted", deleted)
    return deleted
