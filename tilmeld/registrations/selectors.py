from dataclasses import dataclass

from tilmeld.core.collation import danish_key
from tilmeld.events.enums import RegistrationState, WaitingListMode
from tilmeld.events.models import Event
from tilmeld.pricing import rules as pricing
from tilmeld.registrations import rules
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.models import (
    Booking,
    Participant,
    ParticipantOption,
    Question,
    SeatCount,
    SessionChoice,
    SessionSeats,
)
from tilmeld.registrations.services import sessions
from tilmeld.registrations.services.sessions import choice_slots


@dataclass(frozen=True)
class Availability:
    state: RegistrationState
    confirmed: int
    waiting: int
    seats_left: int | None  # None: no limit
    offered: int = 0  # seats held for open offers
    offers: bool = True  # a freed seat is offered to the first in line (not given)


def availability(event: Event, now=None, *, fresh: bool = False) -> Availability:
    """The registration state including seats: OPEN turns FULL or SOLD_OUT when no seat is left.
    `fresh` reads the counter instead of the one joined to (or cached on) the event."""
    try:
        # Without `fresh`, no query when the caller used select_related.
        counts = SeatCount.objects.get(pk=event.pk) if fresh else event.seat_count
    except SeatCount.DoesNotExist:
        counts = SeatCount(event_id=event.pk)  # not event=: that would cache an unsaved row
    state = event.registration_state(now)
    left = rules.seats_for_newcomers(
        event.capacity, counts.confirmed, counts.offered, counts.waiting
    )
    if state == RegistrationState.OPEN and left == 0:
        state = RegistrationState.FULL if event.waiting_list_enabled else RegistrationState.SOLD_OUT
    offers = rules.promotion(event, now) != WaitingListMode.AUTOMATIC
    return Availability(state, counts.confirmed, counts.waiting, left, counts.offered, offers)


def participant_for_token(token: str) -> Participant | None:
    if not token or len(token) > 64:
        return None
    participant = (
        Participant.objects.select_related(
            "event",
            "event__venue",
            "booking",
            "price",
            "booking__payer",
            "booking__payer__member_organisation",
        )
        .filter(manage_token=token)
        .first()
    )
    if participant is not None:  # the booking's event is the participant's: no query for it
        participant.booking.event = participant.event
    return participant


def booking_for_token(token: str) -> Booking | None:
    if not token or len(token) > 64:
        return None
    return (
        Booking.objects.select_related(
            "event", "event__venue", "payer", "payer__member_organisation"
        )
        .filter(manage_token=token)
        .first()
    )


def participant_list(event: Event) -> list[Participant]:
    """The confirmed participants who agreed to be shown to the others, by name the Danish
    way, with only what the list shows: name, organisation, job title. One query."""
    listed = Participant.objects.filter(
        event=event, status=ParticipantStatus.CONFIRMED, in_participant_list=True
    ).only("name", "organisation", "job_title")
    return sorted(listed, key=lambda p: (danish_key(p.name), p.pk))


def waiting_position(participant: Participant) -> int | None:
    if participant.status != ParticipantStatus.WAITING:
        return None
    ahead = Participant.objects.filter(
        event_id=participant.event_id,
        status=ParticipantStatus.WAITING,
        waiting_position__lt=participant.waiting_position,
    ).count()
    return ahead + 1


def event_questions(event: Event) -> list[Question]:
    return list(Question.objects.filter(event=event))


def answers_by_question(participant: Participant) -> dict[int, object]:
    return {a.question_id: a.value for a in participant.answers.all()}


def session_seats_left(event: Event) -> dict[int, int]:
    taken = dict(
        SessionSeats.objects.filter(session__event=event).values_list("session_id", "taken")
    )
    return {
        session.pk: max(session.capacity - taken.get(session.pk, 0), 0)
        for slot in choice_slots(event)
        for session in slot
    }


def chosen_options(participant: Participant) -> list[ParticipantOption]:
    chosen = participant.chosen_options.select_related("option")
    return list(chosen.order_by("option__position", "option_id"))


def chosen_sessions(participant: Participant) -> dict[int, SessionChoice]:
    return {c.session_id: c for c in participant.session_choices.select_related("session")}


def member_names(event: Event) -> tuple[str, ...]:
    """The member organisations the booking form suggests: members on the event's day."""
    names = pricing.members_on(pricing.member_day(event)).values_list("name", flat=True)
    return tuple(names)


def form_options(event: Event, *, staff: bool = False) -> dict:
    """What the participant forms need: the questions, the session slots and their free seats,
    the prices and options, and for a priced event the member organisations to pick from."""
    slots = choice_slots(event)
    required = sessions.required_slots(event, slots)
    catalogue = pricing.catalogue(event)
    return {
        "questions": event_questions(event),
        "slots": slots,
        "seats_left": session_seats_left(event) if slots else {},
        "staff": staff,
        "required_slots": required,
        # Full: newcomers wait, and may wish for any session (see sessions.required_slots).
        "wishes": bool(slots) and availability(event, fresh=True).state == RegistrationState.FULL,
        "catalogue": catalogue,
        "members": member_names(event) if catalogue else (),
    }
