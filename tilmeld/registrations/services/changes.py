"""Changes to a registration: cancel, hand over, edit, promote, resend."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from tilmeld.core.dates import clock
from tilmeld.events.models import Event
from tilmeld.registrations import rules, signals
from tilmeld.registrations.enums import ACTIVE_STATUSES, ChangeAction, ParticipantStatus
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.models import Answer, Participant
from tilmeld.registrations.services import history, mails, prices, seats, sessions
from tilmeld.registrations.services.booking import Person

DETAIL_FIELDS = ("name", "email", "organisation", "job_title", "phone")


def locked(participant: Participant):
    """Locks the event's seats, then the participant (always in this order: no deadlocks)."""
    counts = seats.lock(participant.event)
    # Only the participant's row: locking the event row too would deadlock with an admin save,
    # which holds the event row and then asks for the seat lock.
    fresh = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("event")
        .get(pk=participant.pk)
    )
    if not fresh.is_active:
        raise RegistrationError(_("This registration is no longer active."), code="inactive")
    return counts, fresh


def cancel_registration(participant: Participant, *, by=None, reason: str = "") -> Participant:
    """Cancels a seat, an offer or a waiting place, as rules.Action.CANCEL allows (free of
    charge until the binding date; after it only staff). The freed seat goes to the first in
    line (seats.promote: an offer, or straight up); both are mailed."""
    with transaction.atomic():
        counts, participant = locked(participant)
        event = participant.event
        rules.enforce(rules.Action.CANCEL, participant, by=by)
        seats.release(counts, participant)
        sessions.release(participant)
        old_status = participant.status
        participant.status = ParticipantStatus.CANCELLED
        participant.waiting_position = None
        participant.cancelled_at = timezone.now()
        participant.save(update_fields=["status", "waiting_position", "cancelled_at", "updated_at"])
        history.record(
            participant,
            ChangeAction.CANCELLED,
            by=by,
            changes={"status": [old_status, ParticipantStatus.CANCELLED]},
            note=reason[:300],
        )
        mails.to_participant(participant, "cancelled")
        signals.changed(participant.booking_id, event)
        signals.announce_status(participant)
        seats.promote(event, counts, by=by)
        seats.save(counts)
    return participant


def substitute_participant(
    participant: Participant, person: Person, *, by=None, language: str | None = None
) -> Participant:
    """Hands the seat (or waiting place) to another person until the event starts. The new
    person gets their own manage link and confirmation; the old link stops working and the old
    participant is told. Answers about diet or health are not carried over."""
    with transaction.atomic():
        counts, old = locked(participant)
        event = old.event
        rules.enforce(rules.Action.SUBSTITUTE, old, by=by)
        old.status, status = ParticipantStatus.SUBSTITUTED, old.status
        position, old.waiting_position = old.waiting_position, None
        old.cancelled_at = timezone.now()
        old.save(update_fields=["status", "waiting_position", "cancelled_at", "updated_at"])
        new = Participant(
            booking=old.booking,
            event=event,
            name=person.name,
            email=person.email,
            organisation=person.organisation or old.organisation,
            job_title=person.job_title,
            phone=person.phone,
            language=language or old.language,
            status=status,
            waiting_position=position,
            replaces=old,
        )
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError as error:
            raise AlreadyRegistered(person.email) from error
        Answer.objects.bulk_create(
            Answer(participant=new, question_id=a.question_id, value=a.value)
            for a in old.answers.filter(question__sensitive=False)
        )
        old.session_choices.update(participant=new)  # the seats in sessions go with the seat
        prices.carry_over(old, new)
        history.record(old, ChangeAction.SUBSTITUTED, by=by, changes={"to": [old.name, new.name]})
        history.record(new, ChangeAction.SUBSTITUTE, by=by, changes={"from": [old.name, new.name]})
        mails.to_participant(old, "substituted")
        mails.to_participant(new, "registered")
        signals.announce_status(old, substitute=new)
        seats.save(counts)
    return new


def update_participant(
    participant: Participant, person: Person, *, by=None, question_ids=()
) -> Participant:
    """Saves changed details and answers (rules.Action.EDIT: until the event starts, staff
    always), recording old and new values in the history."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("event")
            .get(pk=participant.pk)
        )
        rules.enforce(rules.Action.EDIT, participant, by=by)
        changes = {}
        for name in DETAIL_FIELDS:
            new_value = getattr(person, name)
            if getattr(participant, name) != new_value:
                changes[name] = [getattr(participant, name), new_value]
                setattr(participant, name, new_value)
        if "email" in changes and _email_taken(participant, person.email):
            raise AlreadyRegistered(person.email)
        old_answers = {a.question_id: a for a in participant.answers.all()}
        for qid in question_ids:
            value = person.answers.get(qid)
            before = old_answers[qid].value if qid in old_answers else None
            if (before or None) == (value or None):
                continue
            changes[f"question:{qid}"] = [before, value]
            if value in (None, "", []):
                Answer.objects.filter(participant=participant, question_id=qid).delete()
            else:
                Answer.objects.update_or_create(
                    participant=participant, question_id=qid, defaults={"value": value}
                )
        if changes:
            participant.save()
            history.record(participant, ChangeAction.EDITED, by=by, changes=changes)
    return participant


def set_listing(participant: Participant, *, listed: bool, by=None) -> Participant:
    """The participant's consent to be shown (name, organisation, job title) in the
    participant list; from the next page view on (nothing caches the list). Joining needs an
    active registration (rules.may_change_listing); leaving is always possible. Records the
    change in the history; an unchanged answer records nothing."""
    with transaction.atomic():
        participant = Participant.objects.select_for_update(of=("self",)).get(pk=participant.pk)
        if not rules.may_change_listing(participant, listed=listed):
            raise RegistrationError(_("This registration is no longer active."), code="inactive")
        if participant.in_participant_list != listed:
            before, participant.in_participant_list = participant.in_participant_list, listed
            participant.save(update_fields=["in_participant_list", "updated_at"])
            changes = {"in_participant_list": [before, listed]}
            history.record(participant, ChangeAction.LISTING, by=by, changes=changes)
    return participant


def _email_taken(participant: Participant, email: str) -> bool:
    return (
        Participant.objects.filter(event_id=participant.event_id, status__in=ACTIVE_STATUSES)
        .exclude(pk=participant.pk)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email=email.lower())
        .exists()
    )


def resend_confirmation(participant: Participant, *, by=None) -> None:
    """Mails the participant's confirmation again; an open offer is mailed as the offer."""
    with transaction.atomic():
        if participant.status == ParticipantStatus.OFFERED:
            deadline = participant.offer_expires_at.isoformat()
            mails.to_participant(participant, "offer", deadline=deadline)
        else:
            mails.to_participant(participant, "registered")
        history.record(participant, ChangeAction.RESENT, by=by)


def remind_registered(event: Event, email: str) -> None:
    """Someone tried to register an address again: mail that address its manage link (at most
    once an hour), and show the visitor nothing more."""
    participant = (
        Participant.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email=email.lower())
        .first()
    )
    if participant is None:
        return
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    if participant.changes.filter(action=ChangeAction.RESENT, at__gte=hour_ago).exists():
        return
    with transaction.atomic():
        mails.to_participant(participant, "already_registered")
        note = _("Someone tried to register the address again; the link was mailed to it.")
        history.record(participant, ChangeAction.RESENT, note=note, by_system=True)


def promote_from_waiting_list(event: Event, *, by=None) -> list[Participant]:
    """Gives free seats to the waiting list, e.g. after staff raise the capacity: as offers or
    straight up, as seats.promote decides."""
    with transaction.atomic():
        counts = seats.lock(event)
        # The capacity comes with the lock; the rest of the rule is read fresh here.
        event.refresh_from_db(
            fields=["starts_at", "binding_at", "waiting_list_mode", "offer_hours"]
        )
        promoted = seats.promote(event, counts, by=by)
        seats.save(counts)
    return promoted


def promote_participant(participant: Participant, *, by) -> Participant:
    """Staff move one person from the waiting list (or an open offer) into a seat, beyond
    capacity if need be: an explicit act, recorded in the history."""
    with transaction.atomic():
        counts, participant = locked(participant)
        if participant.status not in (ParticipantStatus.WAITING, ParticipantStatus.OFFERED):
            raise RegistrationError(_("Only someone on the waiting list can be moved up."))
        seats.release(counts, participant)
        participant.status = ParticipantStatus.CONFIRMED
        participant.waiting_position = None
        participant.offer_expires_at = None
        participant.save(
            update_fields=["status", "waiting_position", "offer_expires_at", "updated_at"]
        )
        counts.confirmed += 1
        seats.save(counts)
        seats.welcome(participant, by=by)
    return participant


def change_sessions(participant: Participant, session_ids: list[int], *, by=None) -> None:
    """Moves the participant to other sessions, one per slot, all or nothing: a full session
    refuses the whole change. Records only what changed."""
    with transaction.atomic():
        _counts, participant = locked(participant)
        rules.enforce(rules.Action.CHANGE_SESSIONS, participant, by=by)
        slots = sessions.choice_slots(participant.event)
        changed = {}
        for session_id in session_ids:
            slot = next((s for s in slots if session_id in {x.pk for x in s}), None)
            if slot is None:
                raise RegistrationError(_("That session cannot be chosen."), code="sessions")
            new = next(s for s in slot if s.pk == session_id)
            before = participant.session_choices.filter(session__in=slot).first()
            if sessions.change(participant, slot, new):
                key = "session" if len(slots) == 1 else f"session {clock(slot[0].starts_at)}"
                changed[key] = [
                    before.session.title if before else None,
                    new.title,
                ]
        if changed:
            history.record(participant, ChangeAction.EDITED, by=by, changes=changed)


def change_session(participant: Participant, session_id: int, *, by=None) -> None:
    """One slot's session: see change_sessions."""
    change_sessions(participant, [session_id], by=by)
