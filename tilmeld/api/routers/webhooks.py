"""Webhook subscriptions: list, subscribe, unsubscribe, test ping. Token with webhooks:write.
Deliveries are signed as Standard Webhooks says, with the secret shown once, when subscribing."""

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from tilmeld.api.auth import needs
from tilmeld.api.enums import Scope
from tilmeld.api.problems import Problem
from tilmeld.api.responses import problems
from tilmeld.webhooks import services
from tilmeld.webhooks.enums import EventType
from tilmeld.webhooks.exceptions import WebhookError
from tilmeld.webhooks.models import Subscription

router = Router(tags=["webhooks"])


class SubscriptionIn(Schema):
    url: str = Field(description="https:// (or http://) on a public address")
    events: list[str] = Field(description="One or more of: " + ", ".join(EventType.values))
    description: str = ""


class SubscriptionOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    is_active: bool
    disabled_at: dt.datetime | None
    disabled_reason: str  # "", gone (the receiver answered 410), failing
    created_at: dt.datetime


class SubscriptionCreated(SubscriptionOut):
    secret: str  # whsec_…: verifies the signatures; shown only here


class PingOut(Schema):
    message_id: str  # the webhook-id header of the test message


def _data(subscription: Subscription) -> dict:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "events": subscription.events,
        "description": subscription.description,
        "is_active": subscription.is_active,
        "disabled_at": subscription.disabled_at,
        "disabled_reason": subscription.disabled_reason,
        "created_at": subscription.created_at,
    }


def _refused(error: WebhookError) -> Problem:
    return Problem(422, error.code, error.message)


@router.get(
    "",
    response={200: list[SubscriptionOut], **problems(401, 403, 429)},
    auth=needs(Scope.WEBHOOKS_WRITE),
)
def list_subscriptions(request):
    """Every subscription, newest first, active or disabled (with why)."""
    return [_data(subscription) for subscription in Subscription.objects.all()]


@router.post(
    "",
    response={201: SubscriptionCreated, **problems(400, 401, 403, 413, 422, 429)},
    auth=needs(Scope.WEBHOOKS_WRITE),
)
def subscribe(request, payload: SubscriptionIn):
    """Subscribes an https (or http) URL on a public address to the events listed. Answers 422
    (code `url`) for any other URL, `events` for an unknown event; nothing is stored then."""
    try:
        subscription = services.subscribe(
            payload.url,
            events=payload.events,
            description=payload.description,
            by=request.auth.owner,
        )
    except WebhookError as error:
        raise _refused(error) from error
    return Status(201, _data(subscription) | {"secret": subscription.secret})


@router.delete(
    "/{subscription_id}",
    response={204: None, **problems(401, 403, 404, 422, 429)},
    auth=needs(Scope.WEBHOOKS_WRITE),
)
def unsubscribe(request, subscription_id: int):
    """Deletes the subscription and its delivery log; nothing more is sent to it."""
    services.unsubscribe(get_object_or_404(Subscription, pk=subscription_id))
    return Status(204, None)


@router.post(
    "/{subscription_id}/ping",
    response={202: PingOut, **problems(401, 403, 404, 422, 429)},
    auth=needs(Scope.WEBHOOKS_WRITE),
)
def ping(request, subscription_id: int):
    """Queues a signed test message of type `webhook.ping`, sent once by the worker."""
    delivery = services.ping(get_object_or_404(Subscription, pk=subscription_id))
    return Status(202, {"message_id": delivery.message_id})
