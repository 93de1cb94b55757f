"""Arrival at the door: the check-in code on a badge, checking in, undoing a check-in.

The code is the participant's row id and an HMAC of it, e.g. ``1234-K5TQ…`` (24 base-32
letters, 120 bits). It carries no name, address or manage secret, only the server can make one,
and it cannot be changed into another person's. Upper-case letters, digits and one separator
keep the QR code small (alphanumeric mode) and survive a hand scanner typing with the wrong
keyboard layout: any non-alphanumeric separator and either case are accepted when reading it."""

import base64
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from tilmeld.core.collation import surname_key
from tilmeld.core.text import single_line
from tilmeld.events.models import Event
from tilmeld.registrations import signals
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import CheckIn, Participant
from tilmeld.registrations.services import history

SALT = "tilmeld.checkin"
CODE = re.compile(r"^(\d{1,18})[^0-9A-Z]+([A-Z2-7]{24})$")
SEARCH_LIMIT = 50


def _signature(value: str, secret: str) -> str:
    digest = salted_hmac(SALT, value, secret=secret, algorithm="sha256").digest()
    return base64.b32encode(digest[:15]).decode()


def checkin_code(participant: Participant) -> str:
    """The text of the participant's QR code."""
    return f"{participant.pk}-{_signature(str(participant.pk), settings.SECRET_KEY)}"


def participant_id_from_code(code: str) -> int | None:
    """The participant id a code was made for, or None if it is not a code we made. Codes made
    with a retired key in SECRET_KEY_FALLBACKS still work, so printed badges survive a rotation."""
    match = CODE.match(code.strip().upper())
    if match is None:
        return None
    value, signature = match.groups()
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    if any(constant_time_compare(signature, _signature(value, key)) for key in keys):
        return int(value)
    return None


def participant_for_code(event: Event, code: str) -> Participant:
    """Resolves a scanned or typed code to a participant of this event. Raises RegistrationError
    (code "invalid_code" or "other_event") for anything else."""
    participant_id = participant_id_from_code(code)
    participant = (
        Participant.objects.select_related("event").filter(pk=participant_id).first()
        if participant_id is not None
        else None
    )
    if participant is None:
        raise RegistrationError(_("This code is not a valid check-in code."), code="invalid_code")
    if participant.event_id != event.pk:
        raise RegistrationError(
            _("This code is for another event: %(event)s.") % {"event": participant.event.title},
            code="other_event",
        )
    return participant


def check_in(participant: Participant, *, by) -> tuple[CheckIn, bool]:
    """Records that a confirmed participant has arrived. Locks the participant's row, so a
    cancellation or a second door cannot interleave; the one-to-one column is the backstop.
    Checking in someone already checked in changes nothing and returns the existing check-in
    with created=False. Records the arrival in the participant's history; sends no mail.
    Raises RegistrationError (code "not_confirmed") for anyone without a confirmed seat."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        if participant.status != ParticipantStatus.CONFIRMED:
            raise RegistrationError(
                _("%(name)s cannot be checked in: %(status)s.")
                % {"name": participant.name, "status": participant.get_status_display()},
                code="not_confirmed",
            )
        existing = CheckIn.objects.filter(participant=participant).first()
        if existing is not None:
            return existing, False
        user = by if by is not None and by.is_authenticated else None
        try:
            with transaction.atomic():
                arrival = CheckIn.objects.create(participant=participant, by_user=user)
        except IntegrityError:
            # Reached only without row locks: the other door's row is committed by now.
            return CheckIn.objects.get(participant=participant), False
        history.record(participant, ChangeAction.CHECKED_IN, by=by)
        signals.checked_in.send(sender=None, participant=participant, check_in=arrival)
    return arrival, True


def check_in_by_code(event: Event, code: str, *, by) -> tuple[CheckIn, bool]:
    """check_in for the participant a scanned or typed code names; the same errors, and those of
    participant_for_code."""
    return check_in(participant_for_code(event, code), by=by)


def undo_check_in(participant: Participant, *, by) -> bool:
    """Removes a participant's check-in (tapped by mistake) and records the undo, with the time
    it replaces, in the participant's history. Returns False if there was nothing to undo."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        arrival = CheckIn.objects.filter(participant=participant).first()
        if arrival is None:
            return False
        arrival.delete()
        history.record(
            participant,
            ChangeAction.CHECK_IN_UNDONE,
            by=by,
            changes={
                "checked_in_at": [timezone.localtime(arrival.checked_in_at).isoformat(), None]
            },
        )
    return True


# Reads for the door. They sit beside the writes they serve until registrations/selectors.py
# takes them.


def arrivals(event: Event) -> tuple[int, int]:
    """(arrived, expected): confirmed participants with and without a check-in, in one query."""
    counts = Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED).aggregate(
        expected=Count("id"), arrived=Count("check_in")
    )
    return counts["arrived"], counts["expected"]


def search_participants(event: Event, query: str, *, limit: int = SEARCH_LIMIT) -> list:
    """Participants of the event whose name or organisation contains every word of the query,
    with their check-in, in one query. Every status is found, so the door can tell someone
    that the registration was cancelled or handed over. Control characters in the query (a NUL
    byte PostgreSQL refuses) count as spaces."""
    words = single_line(query).split()
    if not words:
        return []
    participants = Participant.objects.filter(event=event)
    for word in words:  # any case, æ, ø and å too (on SQLite through core.sqlite_like)
        participants = participants.filter(
            Q(name__icontains=word) | Q(organisation__icontains=word)
        )
    return list(participants.select_related("check_in").order_by(Lower("name"), "id")[:limit])


def no_shows(event: Event):
    """Confirmed participants without a check-in, by name."""
    return Participant.objects.filter(
        event=event, status=ParticipantStatus.CONFIRMED, check_in__isnull=True
    ).order_by(Lower("name"), "id")


def badge_participants(event: Event, *, participant_id=None, since=None):
    """Confirmed participants for badges, one of them or those registered since, in the door
    list's order: by surname, Danish style (æ, ø, å after z), so badges and list match."""
    participants = Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED)
    if participant_id is not None:
        participants = participants.filter(pk=participant_id)
    if since is not None:
        participants = participants.filter(created_at__gte=since)
    return sorted(participants, key=lambda p: (*surname_key(p.name), p.pk))
