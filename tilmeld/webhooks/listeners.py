"""Which active subscriptions listen to which event type, kept in this process for a moment.

Every registration asks (services.emit), usually to learn that nobody listens: reading the
subscriptions each time would add a query to the registration's transaction, under its seat
lock. A change saved in this process empties the cache at once (the signals below, and
services after its own updates); other processes see it within `ttl()` seconds (setting
TILMELD_WEBHOOKS_CACHE_SECONDS, 5 by default). A subscription disabled meanwhile is still
written a delivery, which the worker gives up without sending (tasks.send_delivery)."""

import time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

_cache: tuple[float, dict[str, tuple[int, ...]]] | None = None


def ttl() -> float:
    return settings.WEBHOOKS_CACHE_SECONDS


def subscription_ids(event_type: str) -> tuple[int, ...]:
    """The active subscriptions listening to `event_type`."""
    global _cache
    now = time.monotonic()
    if _cache is None or _cache[0] <= now:
        from tilmeld.webhooks.models import Subscription

        by_type: dict[str, list[int]] = {}
        for pk, events in Subscription.objects.filter(is_active=True).values_list("pk", "events"):
            for name in events:
                by_type.setdefault(name, []).append(pk)
        _cache = (now + ttl(), {name: tuple(ids) for name, ids in by_type.items()})
    return _cache[1].get(event_type, ())


def clear(**_kwargs) -> None:
    global _cache
    _cache = None


def changed(**_kwargs) -> None:
    """Cleared at once, and again after the change commits: another thread may have read the
    old rows in between."""
    clear()
    transaction.on_commit(clear)


def connect() -> None:
    from tilmeld.webhooks.models import Subscription

    post_save.connect(changed, sender=Subscription, dispatch_uid="webhooks-listeners-save")
    post_delete.connect(changed, sender=Subscription, dispatch_uid="webhooks-listeners-delete")
