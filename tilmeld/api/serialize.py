"""The API's objects as plain JSON-able dicts: the bodies its endpoints answer with, and the
payloads of the webhooks ("the object as the API would return it"). Each dict matches its
schema in schemas.py exactly: amounts are strings with two decimals, times ISO 8601 in UTC as
the API writes them (milliseconds, `Z`), so `json.dumps(participant_data(p))` is what
`GET …/participants` shows for `p`.

For lists, fetch the rows with the `*_rows()` querysets (their related rows are joined or
prefetched) and serialize with the `*s_data()` functions, which compute what needs the other
rows (a waiting participant's place in line) in one query for the whole list. The one-object
functions work on any row, at the cost of a few queries for what was not fetched with it."""

import bisect
import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch, QuerySet

from tilmeld.core.money import money
from tilmeld.invoicing import selectors as invoicing
from tilmeld.invoicing.enums import InvoiceKind
from tilmeld.invoicing.models import Invoice
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.models import (
    Booking,
    CheckIn,
    Participant,
    ParticipantOption,
    SessionChoice,
)

_UNKNOWN = object()


def time(value: dt.datetime | None) -> str | None:
    """As the API writes a time: ISO 8601 in UTC, milliseconds at most, `Z` for +00:00."""
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    if value.microsecond:
        text = text[:23] + text[26:]
    return text.removesuffix("+00:00") + "Z"


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def amount(value) -> str | None:
    """Kroner and øre as a string with two decimals ("2795.00"), never a float."""
    return None if value is None else str(money(value))


# --- participants --------------------------------------------------------------------------


def participant_rows(queryset: QuerySet[Participant] | None = None) -> QuerySet[Participant]:
    """Participants with what participant_data reads: price and check-in joined, options and
    sessions prefetched (two queries for any number of rows)."""
    queryset = Participant.objects.all() if queryset is None else queryset
    return queryset.select_related("price", "check_in").prefetch_related(
        Prefetch(
            "chosen_options",
            queryset=ParticipantOption.objects.select_related("option").order_by(
                "option__position", "option_id"
            ),
        ),
        Prefetch("session_choices", queryset=SessionChoice.objects.order_by("session_id")),
    )


def waiting_places(participants) -> dict[int, int]:
    """{participant id: place in line (1 = next)} for the waiting participants among
    `participants`, in one query however many there are: the place is one more than the number
    waiting ahead in the same event (the stored waiting_position is an order, with gaps)."""
    waiting = [p for p in participants if p.status == ParticipantStatus.WAITING]
    if not waiting:
        return {}
    last = max(p.waiting_position for p in waiting)
    lines = defaultdict(list)
    ahead = (
        Participant.objects.filter(
            event_id__in={p.event_id for p in waiting},
            status=ParticipantStatus.WAITING,
            waiting_position__lte=last,
        )
        .order_by("event_id", "waiting_position")
        .values_list("event_id", "waiting_position")
    )
    for event_id, position in ahead:
        lines[event_id].append(position)
    return {p.pk: bisect.bisect_left(lines[p.event_id], p.waiting_position) + 1 for p in waiting}


def _checked_in_at(participant: Participant) -> dt.datetime | None:
    try:
        return participant.check_in.checked_in_at
    except CheckIn.DoesNotExist:
        return None


def participant_data(
    participant: Participant,
    *,
    waiting_place=_UNKNOWN,
    chosen_options=None,
    sessions=None,
    checked_in_at=_UNKNOWN,
) -> dict:
    """One participant (schemas.Participant). `waiting_place` as waiting_places gives it;
    when not given, a waiting participant's place is counted with a query. The caller may give
    what it knows already, e.g. of a participant just registered: `chosen_options`
    (ParticipantOption objects, saved or not), `sessions` (ids) and `checked_in_at`."""
    p = participant
    if waiting_place is _UNKNOWN:
        waiting_place = waiting_places([p]).get(p.pk)
    if chosen_options is None:
        chosen_options = p.chosen_options.all()
    if sessions is None:
        sessions = [c.session_id for c in p.session_choices.all()]
    if checked_in_at is _UNKNOWN:
        checked_in_at = _checked_in_at(p)
    price = p.price
    return {
        "id": p.pk,
        "booking_id": p.booking_id,
        "event": p.event.slug,
        "name": p.name,
        "email": p.email,
        "organisation": p.organisation,
        "job_title": p.job_title,
        "phone": p.phone,
        "in_participant_list": p.in_participant_list,
        "language": p.language,
        "status": p.status,
        "waiting_position": waiting_place if p.status == ParticipantStatus.WAITING else None,
        "offer_expires_at": time(p.offer_expires_at)
        if p.status == ParticipantStatus.OFFERED
        else None,
        "price": None
        if price is None
        else {"id": price.pk, "name": price.name, "amount": amount(p.price_amount)},
        "options": [
            {"id": c.option_id, "name": c.option.name, "amount": amount(c.amount)}
            for c in chosen_options
        ],
        "sessions": list(sessions),
        "checked_in_at": time(checked_in_at),
        "created_at": time(p.created_at),
        "updated_at": time(p.updated_at),
        "cancelled_at": time(p.cancelled_at),
    }


def participants_data(participants) -> list[dict]:
    """participant_data for each, their places in line counted in one query."""
    participants = list(participants)
    places = waiting_places(participants)
    return [participant_data(p, waiting_place=places.get(p.pk)) for p in participants]


# --- bookings ------------------------------------------------------------------------------


def booking_rows(queryset: QuerySet[Booking] | None = None) -> QuerySet[Booking]:
    """Bookings with their payer joined and their participants' ids prefetched (one query)."""
    queryset = Booking.objects.all() if queryset is None else queryset
    return queryset.select_related("payer", "payer__member_organisation").prefetch_related(
        Prefetch(
            "participants",
            queryset=Participant.objects.only("id", "booking_id").order_by("id"),
        )
    )


def _payer_data(booking: Booking) -> dict | None:
    try:
        payer = booking.payer
    except Booking.payer.RelatedObjectDoesNotExist:
        return None
    if payer is None:  # known to have none (cached as such)
        return None
    organisation = payer.member_organisation
    return {
        "kind": payer.kind,
        "name": payer.name,
        "gln": payer.gln,
        "cvr": payer.cvr,
        "order_reference": payer.order_reference,
        "person_reference": payer.person_reference,
        "street": payer.street,
        "postcode": payer.postcode,
        "city": payer.city,
        "email": payer.email,
        "member_organisation": organisation.name if organisation is not None else None,
        "membership": payer.membership,
    }


def booking_data(booking: Booking, *, participant_ids=None) -> dict:
    """One booking (schemas.Booking): the booker, who pays, and its participants' ids (every
    status, in the order they were registered; given by the caller who knows them)."""
    if participant_ids is None:
        participant_ids = [p.pk for p in booking.participants.all()]
    return {
        "id": booking.pk,
        "event": booking.event.slug,
        "booker": {
            "name": booking.booker_name,
            "email": booking.booker_email,
            "organisation": booking.booker_organisation,
            "phone": booking.booker_phone,
        },
        "language": booking.language,
        "payer": _payer_data(booking),
        "participants": list(participant_ids),
        "created_at": time(booking.created_at),
    }


# --- invoices ------------------------------------------------------------------------------


def invoice_rows(queryset: QuerySet[Invoice] | None = None) -> QuerySet[Invoice]:
    """Invoices with what invoice_data reads, the balances included, in one query."""
    queryset = Invoice.objects.all() if queryset is None else queryset
    return invoicing.with_balances(queryset.select_related("booking__event", "credits"))


def invoice_data(invoice: Invoice) -> dict:
    """One invoice or credit note (schemas.Invoice), with what is credited, paid and
    outstanding now (read with a query unless the row comes from invoice_rows)."""
    if not hasattr(invoice, "outstanding"):
        balance = invoicing.amounts(invoice)
        credited, paid, outstanding = balance.credited, balance.paid, balance.outstanding
    else:
        credited, paid, outstanding = invoice.credited, invoice.paid, invoice.outstanding
    document = invoice.as_document()
    buyer = document.buyer
    booking = invoice.booking
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "issue_date": day(invoice.issue_date),
        "due_date": day(invoice.due_date),
        "event": booking.event.slug if booking is not None else None,
        "booking_id": invoice.booking_id,
        "credits": invoice.credits.number if invoice.credits_id else None,
        "buyer": {
            "name": buyer.name,
            "gln": buyer.gln,
            "cvr": buyer.cvr,
            "order_reference": document.order_reference,
            "person_reference": document.buyer_reference,
        },
        "currency": document.currency,
        "net": amount(invoice.net),
        "vat": amount(invoice.vat),
        "gross": amount(invoice.gross),
        "credited": amount(credited),
        "paid": amount(paid),
        # A credit note is owed by nobody; an invoice credited after a part payment owes
        # less than nothing (to be paid back).
        "outstanding": amount(outstanding if invoice.kind == InvoiceKind.INVOICE else 0),
        "e_invoice": document.e_invoiceable,
        "issued_at": time(invoice.issued_at),
    }


def payment_data(payment) -> dict:
    """A payment recorded on an invoice (schemas.Payment)."""
    return {
        "id": payment.pk,
        "invoice": payment.invoice.number,
        "amount": amount(payment.amount),
        "paid_on": day(payment.paid_on),
        "reference": payment.reference,
        "source": payment.source,
        "created_at": time(payment.created_at),
    }
