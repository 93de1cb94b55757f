"""The objects a webhook carries, shaped as the API returns them: times in ISO 8601 as the API
writes them (UTC, milliseconds, "Z"), dates as YYYY-MM-DD, amounts as strings with two
decimals. Built inside the change's transaction, from the objects in hand where they hold what
is needed (a registration's are built once its rows are written: see receivers.registered).

To be replaced by tilmeld.api.serialize (the same names and shapes) once the API has it."""

import datetime as dt
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder

_encoder = DjangoJSONEncoder()  # as django-ninja's, which writes the API's answers


def when(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return _encoder.default(value.astimezone(dt.UTC))


def day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def amount(value: Decimal) -> str:
    return f"{value:.2f}"


def participant_data(p) -> dict:
    return {
        "id": p.pk,
        "booking_id": p.booking_id,
        "event": p.event.slug,
        "name": p.name,
        "email": p.email,
        "organisation": p.organisation,
        "job_title": p.job_title,
        "phone": p.phone,
        "language": p.language,
        "status": p.status,
        "offer_expires_at": when(p.offer_expires_at),
        "created_at": when(p.created_at),
        "updated_at": when(p.updated_at),
        "cancelled_at": when(p.cancelled_at),
    }


def booking_data(b, participants=None) -> dict:
    """`participants`: the booking's new participants when the caller has them; else all of
    them are read."""
    if participants is None:
        ids = list(b.participants.order_by("id").values_list("id", flat=True))
    else:
        ids = [p.pk for p in participants]
    return {
        "id": b.pk,
        "event": b.event.slug,
        "booker": {
            "name": b.booker_name,
            "email": b.booker_email,
            "organisation": b.booker_organisation,
            "phone": b.booker_phone,
        },
        "language": b.language,
        "participants": ids,
        "created_at": when(b.created_at),
    }


def invoice_data(i) -> dict:
    return {
        "id": i.pk,
        "number": i.number,
        "kind": i.kind,
        "issue_date": day(i.issue_date),
        "due_date": day(i.due_date),
        "booking_id": i.booking_id,
        "buyer_name": i.buyer_name,
        "net": amount(i.net),
        "vat": amount(i.vat),
        "gross": amount(i.gross),
    }


def event_data(e) -> dict:
    return {
        "slug": e.slug,
        "title": e.title,
        "starts_at": when(e.starts_at),
        "ends_at": when(e.ends_at),
    }
