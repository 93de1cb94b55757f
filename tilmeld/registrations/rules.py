"""What a participant, their booker or staff may do with a registration, and until when.

The one owner of these rules: the services enforce them (`enforce`), views and templates read
them (`permissions`). Each rule answers with a Verdict whose reason is translated and safe to
show. A booker acts through the booking's link with the same rights as the participant.

| action          | participant or booker                                  | staff              |
|-----------------|--------------------------------------------------------|--------------------|
| edit            | until the event starts                                 | while active       |
| change sessions | until the event starts; not an offer (chosen on accept)| while active, ditto|
| cancel          | until the start; a seat only until the binding date    | while active       |
| substitute      | until the start, if the event allows it; not an offer  | while active       |
| accept offer    | while the offer is open (before its deadline)          | the same           |
| decline offer   | while offered (until the expiry has withdrawn it)      | the same           |
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tilmeld.events.enums import WaitingListMode
from tilmeld.events.models import Event
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Participant

# No offer is made when less than this is left before the start: nobody could plan to come.
OFFER_MIN_NOTICE = dt.timedelta(hours=2)


class Action(StrEnum):
    EDIT = "edit"
    CHANGE_SESSIONS = "change_sessions"
    CANCEL = "cancel"
    SUBSTITUTE = "substitute"
    ACCEPT_OFFER = "accept_offer"
    DECLINE_OFFER = "decline_offer"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    code: str = ""

    def __bool__(self):
        return self.allowed


YES = Verdict(True)


def _no(reason, code: str) -> Verdict:
    return Verdict(False, reason, code)


def is_staff(by) -> bool:
    return by is not None and getattr(by, "is_staff", False)


def _inactive(participant: Participant) -> Verdict | None:
    if not participant.is_active:
        return _no(_("This registration is no longer active."), "inactive")
    return None


def _started(event: Event, now) -> Verdict | None:
    if event.starts_at <= now:
        return _no(_("The event has started."), "started")
    return None


def is_binding(participant: Participant, now=None) -> bool:
    """A held seat after the binding date: no free cancellation. Waiting places and open offers
    bind nobody."""
    return participant.status == ParticipantStatus.CONFIRMED and participant.event.is_binding(now)


def cancelled_free_of_charge(participant: Participant) -> bool:
    """Cancelled before the binding date (or an event without one): what was invoiced for the
    seat is credited. A cancellation after it credits nothing unless staff decide so."""
    event = participant.event
    return (
        participant.status == ParticipantStatus.CANCELLED
        and participant.cancelled_at is not None
        and (event.binding_at is None or participant.cancelled_at < event.binding_at)
    )


def sees_booking_invoices(participant: Participant) -> bool:
    """The booker, when registered themselves (the same address), sees the booking's invoices
    from their own link too; the other participants see only who pays."""
    return (
        participant.status != ParticipantStatus.SUBSTITUTED
        and participant.email.lower() == participant.booking.booker_email.lower()
    )


def sees_participant_list(participant: Participant) -> bool:
    """The participant list (names of those who agreed) is for confirmed participants only:
    not the waiting list, open offers or those who cancelled."""
    return participant.status == ParticipantStatus.CONFIRMED


def may_change_listing(participant: Participant, *, listed: bool) -> bool:
    """Joining the participant list while the registration is active; leaving it always."""
    return not listed or participant.is_active


def offer_is_open(participant: Participant, now=None) -> bool:
    return (
        participant.status == ParticipantStatus.OFFERED
        and participant.offer_expires_at is not None
        and (now or timezone.now()) < participant.offer_expires_at
    )


def check(action: Action, participant: Participant, *, by=None, now=None) -> Verdict:
    """May `by` (a staff user, or None for the participant or booker) do `action` now?"""
    now = now or timezone.now()
    event = participant.event
    staff = is_staff(by)
    if (refused := _inactive(participant)) is not None:
        return refused
    match action:
        case Action.EDIT | Action.CHANGE_SESSIONS:
            if action == Action.CHANGE_SESSIONS and participant.status == ParticipantStatus.OFFERED:
                return _no(_("Choose the sessions when you accept the seat."), "offer_open")
            if not staff and (refused := _started(event, now)) is not None:
                return refused
        case Action.CANCEL:
            if staff:
                return YES
            if (refused := _started(event, now)) is not None:
                return refused
            if is_binding(participant, now):
                return _no(
                    _(
                        "The registration is binding and can no longer be cancelled. "
                        "A colleague may attend in your place instead."
                    ),
                    "binding",
                )
        case Action.SUBSTITUTE:
            if participant.status == ParticipantStatus.OFFERED:
                return _no(_("Accept or decline the offered seat first."), "offer_open")
            if staff:
                return YES
            if not event.substitution_allowed:
                return _no(_("This event does not allow substitution."), "no_sub")
            if (refused := _started(event, now)) is not None:
                return refused
        case Action.ACCEPT_OFFER | Action.DECLINE_OFFER:
            if participant.status != ParticipantStatus.OFFERED:
                return _no(_("There is no open offer of a seat."), "no_offer")
            if action == Action.ACCEPT_OFFER and not offer_is_open(participant, now):
                return _no(_("The offer has expired."), "offer_expired")
    return YES


def enforce(action: Action, participant: Participant, *, by=None, now=None) -> None:
    """Raises RegistrationError with the rule's reason when the action is not allowed."""
    verdict = check(action, participant, by=by, now=now)
    if not verdict:
        raise RegistrationError(verdict.reason, code=verdict.code)


def permissions(participant: Participant, *, by=None, now=None) -> dict:
    """Every rule's answer for the pages: can_edit, can_cancel, …, and is_binding."""
    now = now or timezone.now()
    verdicts = {
        f"can_{action.value}": bool(check(action, participant, by=by, now=now)) for action in Action
    }
    return {**verdicts, "is_binding": is_binding(participant, now)}


def sessions_are_wishes(participant: Participant) -> bool:
    """A waiting participant's sessions hold no seat: any session may be wished for, full or not
    (a seat is taken when they get one)."""
    return participant.status == ParticipantStatus.WAITING


def promotion(event: Event, now=None) -> WaitingListMode | None:
    """How a freed seat goes to the first in line now: moved up (automatic, only before the
    binding date), offered, or not at all (the event starts within OFFER_MIN_NOTICE)."""
    now = now or timezone.now()
    if event.starts_at <= now:
        return None
    if event.waiting_list_mode == WaitingListMode.AUTOMATIC and not event.is_binding(now):
        return WaitingListMode.AUTOMATIC
    return WaitingListMode.OFFER if may_offer(event, now) else None


def may_offer(event: Event, now=None) -> bool:
    """An offer can be answered in time: the start is at least OFFER_MIN_NOTICE away."""
    return event.starts_at - (now or timezone.now()) >= OFFER_MIN_NOTICE


def seats_for_newcomers(capacity, confirmed: int, offered: int, waiting: int) -> int | None:
    """Seats a new registration may take (None: no limit). None while anyone waits: a seat left
    free when no offer could be made (in the last hours) is not for a newcomer to pass the line
    with; staff may still move someone up."""
    if capacity is None:
        return None
    if waiting:
        return 0
    return max(capacity - confirmed - offered, 0)


def offer_deadline(event: Event, now=None) -> dt.datetime:
    """The event's answer time from now, up to the next full hour ("svar senest kl. 12.00"
    reads better than kl. 11.37), never past the start."""
    now = now or timezone.now()
    end = now + dt.timedelta(hours=event.offer_hours)
    full_hour = end.replace(minute=0, second=0, microsecond=0)
    if full_hour < end:
        full_hour += dt.timedelta(hours=1)
    return min(full_hour, event.starts_at)
