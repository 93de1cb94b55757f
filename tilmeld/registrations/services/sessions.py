"""Seats in parallel sessions. Called with the event's SeatCount lock held; takes the session
rows' locks after it, in id order, so two processes never wait on each other in a circle."""

from itertools import groupby

from django.utils.translation import gettext as _

from tilmeld.core.dates import clock
from tilmeld.events.models import Event, Session
from tilmeld.registrations import rules
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Participant, SeatCount, SessionChoice, SessionSeats


def choice_slots(event: Event) -> list[list[Session]]:
    """Sessions with a seat limit, grouped by start time: one choice per group."""
    sessions = Session.objects.filter(event=event, capacity__isnull=False).order_by(
        "starts_at", "room", "id"
    )
    return [list(group) for _start, group in groupby(sessions, key=lambda s: s.starts_at)]


def ensure_seats(event: Event) -> None:
    ids = Session.objects.filter(event=event, capacity__isnull=False).values_list("pk", flat=True)
    SessionSeats.objects.bulk_create(
        [SessionSeats(session_id=pk) for pk in ids], ignore_conflicts=True
    )


def required_slots(event: Event, slots: list[list[Session]]) -> list[bool]:
    """Which slots a registration must answer: those with a seat left in one of their sessions,
    and every slot while the event is full (the newcomers wait, and pick wishes among all
    sessions, full or not). A slot whose sessions are all full while the event has seats is
    left open: nobody could get a seat in it."""
    if not slots:
        return []
    counts = SeatCount.objects.filter(pk=event.pk).first() or SeatCount(event_id=event.pk)
    left = rules.seats_for_newcomers(
        event.capacity, counts.confirmed, counts.offered, counts.waiting
    )
    if left == 0 and event.waiting_list_enabled:
        return [True] * len(slots)
    return slots_with_room(event, slots)


def slots_with_room(event: Event, slots: list[list[Session]]) -> list[bool]:
    """For each slot, whether one of its sessions has a seat left."""
    taken = dict(
        SessionSeats.objects.filter(session__event=event).values_list("session_id", "taken")
    )
    return [any(taken.get(s.pk, 0) < s.capacity for s in slot) for slot in slots]


def check_choices(
    slots: list[list[Session]], chosen: list[int], *, required: bool | list[bool]
) -> None:
    """One session per slot, from this event's slots; a slot must be answered when `required`
    (one answer for all slots, or one per slot as required_slots gives)."""
    needed = required if isinstance(required, list) else [required] * len(slots)
    for slot, must in zip(slots, needed, strict=True):
        picked = [s.pk for s in slot if s.pk in chosen]
        if len(picked) > 1:
            raise RegistrationError(_("Choose one session per time slot."), code="sessions")
        if must and not picked:
            raise RegistrationError(
                _("Choose a session at %(time)s.") % {"time": clock(slot[0].starts_at)},
                code="sessions",
            )
    allowed = {s.pk for slot in slots for s in slot}
    if set(chosen) - allowed:
        raise RegistrationError(_("That session cannot be chosen."), code="sessions")


def _lock(session_ids) -> dict[int, SessionSeats]:
    # A session may have got its seat limit after the event's counters were made.
    SessionSeats.objects.bulk_create(
        [SessionSeats(session_id=pk) for pk in set(session_ids)], ignore_conflicts=True
    )
    # Only these rows (of=self): the sessions joined in are read, not locked, else an admin
    # save holding a session row and waiting for the seat lock would deadlock with us.
    rows = SessionSeats.objects.select_for_update(of=("self",)).select_related("session")
    return {row.pk: row for row in rows.filter(pk__in=sorted(set(session_ids))).order_by("pk")}


def take(participants: list[Participant], chosen: list[list[int]]) -> None:
    """Records each participant's choices; confirmed participants take the seats. A full session
    refuses the whole registration (the caller's transaction rolls back)."""
    if not any(chosen):
        return
    wanted = [pk for ids, p in zip(chosen, participants, strict=True) for pk in ids
              if p.status == ParticipantStatus.CONFIRMED]  # fmt: skip
    seats = _lock(wanted)
    for pk in wanted:
        row = seats.get(pk)
        if row is None:  # deleted since the form was shown
            raise RegistrationError(_("That session cannot be chosen."), code="sessions")
        if row.taken >= row.session.capacity:
            raise RegistrationError(
                _("“%(title)s” is full. Please choose another session.")
                % {"title": row.session.title},
                code="session_full",
            )
        row.taken += 1
    SessionSeats.objects.bulk_update(seats.values(), ["taken"])
    SessionChoice.objects.bulk_create(
        SessionChoice(
            participant=participant,
            session_id=pk,
            holds_seat=participant.status == ParticipantStatus.CONFIRMED,
        )
        for participant, ids in zip(participants, chosen, strict=True)
        for pk in ids
    )


def release(participant: Participant) -> None:
    """Gives back the participant's session seats and forgets their choices and wishes."""
    held = list(participant.session_choices.filter(holds_seat=True))
    seats = _lock([c.session_id for c in held])
    for choice in held:
        seats[choice.session_id].taken -= 1
    SessionSeats.objects.bulk_update(seats.values(), ["taken"])
    participant.session_choices.all().delete()


def honour_wishes(participant: Participant) -> list[Session]:
    """On promotion: wished sessions with room give a seat; full ones are dropped and returned."""
    wishes = list(participant.session_choices.filter(holds_seat=False))
    seats = _lock([w.session_id for w in wishes])
    dropped = []
    for wish in wishes:
        row = seats[wish.session_id]
        if row.taken < row.session.capacity:
            row.taken += 1
            wish.holds_seat = True
            wish.save(update_fields=["holds_seat"])
        else:
            dropped.append(row.session)
            wish.delete()
    SessionSeats.objects.bulk_update(seats.values(), ["taken"])
    return dropped


def change(participant: Participant, slot: list[Session], new: Session) -> bool:
    """Swaps the participant's choice in one slot, while the new session has room. Returns
    whether anything changed."""
    current = participant.session_choices.filter(session__in=slot).first()
    if current and current.session_id == new.pk:
        return False
    holds = participant.status == ParticipantStatus.CONFIRMED
    ids = [new.pk] + ([current.session_id] if current and current.holds_seat else [])
    seats = _lock(ids)
    if holds:
        if seats[new.pk].taken >= new.capacity:
            raise RegistrationError(
                _("“%(title)s” is full.") % {"title": new.title}, code="session_full"
            )
        seats[new.pk].taken += 1
    if current and current.holds_seat:
        seats[current.session_id].taken -= 1
    SessionSeats.objects.bulk_update(seats.values(), ["taken"])
    if current:
        current.delete()
    SessionChoice.objects.create(participant=participant, session=new, holds_seat=holds)
    return True
