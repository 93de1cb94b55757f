"""The objects a webhook carries: exactly as the API returns them (tilmeld.api.serialize and
the events router), so a receiver parses one shape. Built inside the change's transaction,
after its rows are written (see receivers.registered)."""

import json

from ninja.responses import NinjaJSONEncoder

from tilmeld.api import schemas, serialize
from tilmeld.api.routers import events
from tilmeld.api.serialize import day
from tilmeld.api.serialize import time as when
from tilmeld.events.models import Event

__all__ = ["booking_data", "day", "event_data", "invoice_data", "participant_data", "when"]
_encoder = NinjaJSONEncoder()  # as the API writes its answers


def participant_data(participant, **known) -> dict:
    """`known`: what the caller knows of it already (serialize.participant_data's arguments)."""
    return serialize.participant_data(participant, **known)


def booking_data(booking, participants=None) -> dict:
    """`participants`: the booking's new participants when the caller has them; else all of
    them are read."""
    ids = None if participants is None else [p.pk for p in participants]
    return serialize.booking_data(booking, participant_ids=ids)


def invoice_data(invoice) -> dict:
    return serialize.invoice_data(invoice)


def event_data(event) -> dict:
    """The event as GET /api/v1/events/{slug} writes it, without the programme: read back, so
    its times are the stored ones (in UTC), not a form's."""
    event = Event.objects.select_related("venue", "organiser").get(pk=event.pk)
    data = schemas.Event.model_validate(events.event_data(event)).model_dump(by_alias=True)
    return json.loads(_encoder.encode(data))
