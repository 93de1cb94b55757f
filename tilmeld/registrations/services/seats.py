"""Seats: the one place that decides who gets one. Every decision holds the event's SeatCount
row lock (SELECT … FOR UPDATE), so two processes never hand out the same seat."""

from dataclasses import dataclass

from django.db import connection

from tilmeld.core import rows
from tilmeld.events.enums import WaitingListMode
from tilmeld.events.models import Event
from tilmeld.registrations import rules, signals
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.models import Participant, SeatCount
from tilmeld.registrations.services import history, mails, sessions


def _lock_sql() -> str:
    seat = connection.ops.quote_name(SeatCount._meta.db_table)
    sql = f"SELECT confirmed, waiting, waiting_sequence, offered FROM {seat} WHERE event_id = %s"  # noqa: S608
    # (offered last: the positional order of Seats below)
    # SQLite has no row locks: its IMMEDIATE transactions already let one writer in at a time.
    return sql if connection.vendor == "sqlite" else sql + " FOR UPDATE"


def _event_sql(also: str = "") -> str:
    event = connection.ops.quote_name(Event._meta.db_table)
    also = f", {also}" if also else ""
    return f"SELECT capacity, waiting_list_enabled{also} FROM {event} WHERE id = %s"  # noqa: S608


@dataclass
class Seats:
    """An event's SeatCount row as read under its lock, with the event's capacity and
    waiting-list switch as committed when the lock was granted. Written back with save()."""

    event_id: int
    confirmed: int
    waiting: int
    waiting_sequence: int
    offered: int
    capacity: int | None
    waiting_list_enabled: bool
    keys: rows.Reserved | None = None


def lock(event: Event, *, keys: dict | None = None) -> Seats:
    """Call inside a transaction; the lock is held until it ends. Makes the row if need be.

    The event's capacity and waiting-list switch are read after the lock is granted, in a
    statement of their own: one statement joining them would keep the event row as it was
    before a wait for the lock, and staff may have changed it meanwhile. Both are sent before
    either is read, so in a pipeline (core.rows) they cost one wait for the server. `keys`,
    so many new primary keys per model, are reserved in the second statement (Seats.keys)."""
    column = rows.reserve_column(keys or {})
    also, params = column or ("", [])
    with connection.cursor() as seat, connection.cursor() as limits:
        seat.execute(_lock_sql(), [event.pk])
        limits.execute(_event_sql(also), [*params, event.pk])
        counts = seat.fetchone()
        read = limits.fetchone()
        if counts is None:
            # Another process may be creating it: the unique key makes this wait, then find it.
            # No exception to catch (get_or_create's), which a pipeline would raise too late.
            SeatCount.objects.bulk_create([SeatCount(event_id=event.pk)], ignore_conflicts=True)
            seat.execute(_lock_sql(), [event.pk])
            counts = seat.fetchone()
            limits.execute(_event_sql(also), [*params, event.pk])
            read = limits.fetchone()
    capacity, waiting_list, *reserved = read
    return Seats(
        event.pk,
        *counts,
        capacity=capacity,
        waiting_list_enabled=bool(waiting_list),
        keys=rows.Reserved(keys or {}, reserved[0] if column else None),
    )


def save(counts: Seats) -> None:
    """Writes the locked counter back in one plain UPDATE (held back in a rows.batch block)."""
    table = connection.ops.quote_name(SeatCount._meta.db_table)
    rows.write(
        f"UPDATE {table} SET confirmed = %s, waiting = %s, waiting_sequence = %s,"  # noqa: S608
        " offered = %s WHERE event_id = %s",
        [
            counts.confirmed,
            counts.waiting,
            counts.waiting_sequence,
            counts.offered,
            counts.event_id,
        ],
    )


def free_seats(event: Event, seats: Seats) -> int | None:
    """Free seats by the capacity read under the lock; a seat held for an open offer is taken."""
    capacity = seats.capacity
    if capacity is None:
        return None
    return max(capacity - seats.confirmed - seats.offered, 0)


def place(event: Event, seats: Seats, participants: list[Participant], *, override: bool):
    """Gives seats in order to participants not yet stored; the rest get waiting places. Counts
    them on `seats` (the caller saves it). Returns those put on the waiting list. Nobody new
    passes the line (rules.seats_for_newcomers)."""
    free = rules.seats_for_newcomers(seats.capacity, seats.confirmed, seats.offered, seats.waiting)
    if override or free is None or free >= len(participants):
        seats.confirmed += len(participants)
        return []
    overflow = participants[free:]
    for participant in overflow:
        seats.waiting_sequence += 1
        participant.status = ParticipantStatus.WAITING
        participant.waiting_position = seats.waiting_sequence
    seats.confirmed += free
    seats.waiting += len(overflow)
    return overflow


def promote(event: Event, seats: Seats, *, by=None) -> list[Participant]:
    """Free seats go to the first in line: offered (the default, and always after the binding
    date) or moved straight up (see rules.promotion). Mails each of them. Caller saves `seats`."""
    free = free_seats(event, seats)
    mode = rules.promotion(event)
    if free == 0 or seats.waiting == 0 or mode is None:
        return []
    line = (
        Participant.objects.select_for_update()
        .filter(event=event, status=ParticipantStatus.WAITING)
        .order_by("waiting_position")
    )
    chosen = list(line if free is None else line[:free])
    if mode == WaitingListMode.OFFER:
        offer(event, seats, chosen)  # made by the rule, whoever freed the seat
        return chosen
    for participant in chosen:
        participant.status = ParticipantStatus.CONFIRMED
        participant.waiting_position = None
    Participant.objects.bulk_update(chosen, ["status", "waiting_position"])
    seats.confirmed += len(chosen)
    seats.waiting -= len(chosen)
    for participant in chosen:
        welcome(participant, by=by)
    return chosen


def offer(event: Event, seats: Seats, chosen: list[Participant], *, by=None) -> None:
    """Holds a seat for each of `chosen` (waiting, locked) until the event's answer deadline,
    mails them the offer and schedules its expiry (services.offers.expire_offers). `by`: the
    staff member who offered by hand; None, the waiting list's rule (recorded as the system)."""
    from tilmeld.registrations.tasks import schedule_offer_expiry  # tasks imports services

    deadline = rules.offer_deadline(event)
    for participant in chosen:
        participant.status = ParticipantStatus.OFFERED
        participant.offer_expires_at = deadline
        participant.waiting_position = None
    Participant.objects.bulk_update(chosen, ["status", "offer_expires_at", "waiting_position"])
    seats.waiting -= len(chosen)
    seats.offered += len(chosen)
    for participant in chosen:
        answer_by = {"offer_expires_at": [None, deadline.isoformat()]}
        history.record(
            participant, ChangeAction.OFFERED, by=by, by_system=by is None, changes=answer_by
        )
        mails.to_participant(participant, "offer", deadline=deadline.isoformat())
        signals.announce_status(participant)
    if chosen:
        schedule_offer_expiry(event, deadline)


def welcome(participant: Participant, *, by=None) -> None:
    """A participant just got a seat: honour their session wishes, record it, mail them."""
    dropped = sessions.honour_wishes(participant)
    history.record(participant, ChangeAction.PROMOTED, by=by)
    mails.to_participant(participant, "promoted", dropped=[s.pk for s in dropped])
    signals.changed(participant.booking_id, participant.event)
    signals.announce_status(participant)


def release(seats: Seats, participant: Participant) -> None:
    """Gives back the seat, held offer or waiting place the participant had."""
    match participant.status:
        case ParticipantStatus.CONFIRMED:
            seats.confirmed -= 1
        case ParticipantStatus.OFFERED:
            seats.offered -= 1
        case ParticipantStatus.WAITING:
            seats.waiting -= 1
