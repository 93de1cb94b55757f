from django.utils import timezone

from tilmeld.core import rows
from tilmeld.registrations.enums import ChangeAction, ParticipantStatus
from tilmeld.registrations.models import Participant, ParticipantChange


def record(
    participant: Participant,
    action: ChangeAction,
    *,
    by=None,
    changes: dict | None = None,
    note: str = "",
    by_system: bool = False,
) -> ParticipantChange:
    """`by` is the staff user; None means the participant, unless `by_system` says neither.
    Whatever is worth a line in the history changed the participant: their `updated_at` moves
    too, also when only a row of their own changed (a check-in, a session), so the readers
    of what changed since a time (the API's `changed_since`) see it."""
    participant.updated_at = timezone.now()
    Participant.objects.filter(pk=participant.pk).update(updated_at=participant.updated_at)
    return ParticipantChange.objects.create(
        participant=participant,
        action=action,
        by_user=by if by is not None and by.is_authenticated else None,
        by_participant=by is None and not by_system,
        changes=changes or {},
        note=note,
    )


def record_registered(participants, *, by=None) -> None:
    """A new registration: "registered" for each, then "waiting list" for those without a
    seat, in one statement."""
    user = by if by is not None and by.is_authenticated else None
    actions = [(p, ChangeAction.REGISTERED) for p in participants]
    waiting = [p for p in participants if p.status == ParticipantStatus.WAITING]
    actions += [(p, ChangeAction.WAITING) for p in waiting]
    rows.insert(
        [
            ParticipantChange(participant=p, action=action, by_user=user, by_participant=by is None)
            for p, action in actions
        ],
        keys=False,
    )
