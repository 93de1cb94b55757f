"""Offers of a freed seat to the first in line: accept, decline, or let the deadline pass.

A seat is held for an open offer (SeatCount.offered) from seats.offer until the person answers
or the deadline passes; it is never given to two people and never counted twice. Every change
takes the event's seat lock first, then the participant's row (changes.locked)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tilmeld.events.models import Event
from tilmeld.registrations import rules, signals
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services import history, mails, seats, sessions
from tilmeld.registrations.services.changes import locked


def accept_offer(participant: Participant, *, session_ids=(), by=None) -> Participant:
    """The offered seat becomes the participant's: confirmed, with the chosen sessions (one per
    slot, among those with a seat left; a slot with none is left open), recorded and mailed
    with the calendar file. Refused after the deadline or when the offer is gone."""
    with transaction.atomic():
        counts, participant = locked(participant)
        rules.enforce(rules.Action.ACCEPT_OFFER, participant, by=by)
        slots = sessions.choice_slots(participant.event)
        required = not rules.is_staff(by) and sessions.slots_with_room(participant.event, slots)
        sessions.check_choices(slots, list(session_ids), required=required)
        sessions.release(participant)  # the wishes give way to what was chosen now
        participant.status = ParticipantStatus.CONFIRMED
        participant.offer_expires_at = None
        participant.save(update_fields=["status", "offer_expires_at", "updated_at"])
        sessions.take([participant], [list(session_ids)])
        counts.offered -= 1
        counts.confirmed += 1
        seats.save(counts)
        history.record(participant, ChangeAction.OFFER_ACCEPTED, by=by)
        mails.to_participant(participant, "promoted", accepted=True)
        signals.changed(participant.booking_id, participant.event)
        signals.announce_status(participant)
    return participant


def decline_offer(participant: Participant, *, by=None) -> Participant:
    """The participant says no: the seat goes to the next in line (as an offer), and they get a
    receipt. Their place in line is not given back."""
    with transaction.atomic():
        counts, participant = locked(participant)
        rules.enforce(rules.Action.DECLINE_OFFER, participant, by=by)
        _withdraw(counts, participant, ChangeAction.OFFER_DECLINED, by=by)
        mails.to_participant(participant, "offer_declined")
        seats.promote(participant.event, counts, by=by)
        seats.save(counts)
    return participant


def expire_offers(event: Event, now=None) -> list[Participant]:
    """Withdraws every offer of the event whose deadline has passed, tells each person, and
    offers the seats on. Idempotent: run twice, or by two workers at once, it withdraws each
    offer once (the state is read again under the seat lock)."""
    now = now or timezone.now()
    with transaction.atomic():
        counts = seats.lock(event)
        due = list(
            Participant.objects.select_for_update(of=("self",))
            .select_related("event")
            .filter(event=event, status=ParticipantStatus.OFFERED, offer_expires_at__lte=now)
            .order_by("offer_expires_at", "id")
        )
        for participant in due:
            _withdraw(counts, participant, ChangeAction.OFFER_EXPIRED, by_system=True)
            mails.to_participant(participant, "offer_expired")
        if due:
            event.refresh_from_db()
            seats.promote(event, counts)
            seats.save(counts)
    return due


def expire_due_offers(now=None) -> int:
    """Every event's overdue offers: the cron fallback and the worker's start-up sweep."""
    now = now or timezone.now()
    events = Event.objects.filter(
        participants__status=ParticipantStatus.OFFERED,
        participants__offer_expires_at__lte=now,
    ).distinct()
    return sum(len(expire_offers(event, now)) for event in events)


def offer_seat(participant: Participant, *, by) -> Participant:
    """Staff offer a waiting participant a seat now, ahead of the queue or beyond the capacity
    if they choose so: the same offer, deadline and mail as when a seat frees up."""
    with transaction.atomic():
        counts, participant = locked(participant)
        if participant.status != ParticipantStatus.WAITING:
            raise RegistrationError(
                _("Only someone on the waiting list can be offered a seat."), code="not_waiting"
            )
        if not rules.may_offer(participant.event):
            raise RegistrationError(
                _("The event starts too soon for an offer. Move the person up instead."),
                code="too_late",
            )
        seats.offer(participant.event, counts, [participant], by=by)
        seats.save(counts)
    return participant


def _withdraw(counts, participant: Participant, action, *, by=None, by_system=False) -> None:
    seats.release(counts, participant)
    sessions.release(participant)
    participant.status = ParticipantStatus.CANCELLED
    participant.cancelled_at = timezone.now()
    participant.save(update_fields=["status", "cancelled_at", "updated_at"])
    history.record(participant, action, by=by, by_system=by_system)
    signals.announce_status(participant)
