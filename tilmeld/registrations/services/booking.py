"""Registering: a booking with one or more participants."""

import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tilmeld.core import rows, terms
from tilmeld.core.text import single_line
from tilmeld.events.enums import RegistrationState
from tilmeld.events.models import Event
from tilmeld.mail.models import OutboxMessage
from tilmeld.pricing import rules as pricing
from tilmeld.registrations import signals
from tilmeld.registrations.enums import ACTIVE_STATUSES, ParticipantStatus
from tilmeld.registrations.exceptions import AlreadyRegistered, RegistrationError
from tilmeld.registrations.models import Answer, Booking, Participant, ParticipantOption
from tilmeld.registrations.payers import PayerData
from tilmeld.registrations.services import history, mails, prices, seats, sessions

log = logging.getLogger(__name__)


def _single_lines(person, names: tuple[str, ...]) -> None:
    """Every way in (forms, admin, a later API) builds a Person or a Booker: here a line break
    or a right-to-left override in a name stops before it reaches a mail or a badge."""
    for name in names:
        setattr(person, name, single_line(getattr(person, name)))


@dataclass
class Person:
    name: str
    email: str
    organisation: str = ""
    job_title: str = ""
    phone: str = ""
    answers: dict[int, object] = field(default_factory=dict)  # question id -> value
    sessions: list[int] = field(default_factory=list)  # chosen parallel sessions
    price_id: int | None = None  # one of the event's prices (pricing.Price)
    options: list[int] = field(default_factory=list)  # chosen priced options (pricing.Option)
    in_participant_list: bool = False  # their own consent to be shown to the others

    def __post_init__(self):
        _single_lines(self, ("name", "email", "organisation", "job_title", "phone"))


@dataclass
class Booker:
    name: str
    email: str
    organisation: str = ""
    phone: str = ""

    def __post_init__(self):
        _single_lines(self, ("name", "email", "organisation", "phone"))


def check_open(event: Event, *, by=None) -> None:
    """Staff may register outside the window; the public only while it is open."""
    if event.is_cancelled:
        raise RegistrationError(_("The event has been cancelled."), code="cancelled")
    if by is not None and by.is_staff:
        return
    state = event.registration_state()
    if state == RegistrationState.NOT_YET_OPEN:
        raise RegistrationError(_("Registration has not opened yet."), code="not_open")
    if state != RegistrationState.OPEN:
        raise RegistrationError(_("Registration for the event is closed."), code="closed")


def _check_people(event: Event, people: list[Person], *, by=None, taken: bool = True) -> None:
    if not people:
        raise RegistrationError(_("Register at least one participant."), code="empty")
    limit = event.max_booking_size
    if len(people) > limit and not (by is not None and by.is_staff):
        raise RegistrationError(
            ngettext(
                "You can register at most %(count)d participant at a time.",
                "You can register at most %(count)d participants at a time.",
                limit,
            )
            % {"count": limit},
            code="too_many",
        )
    emails = [p.email.lower() for p in people]
    for email in emails:
        if emails.count(email) > 1:
            raise RegistrationError(
                _("Each participant needs their own e-mail address."), code="same_email"
            )
    if taken and (email := _taken_email(event, people)):
        raise AlreadyRegistered(email)


def _taken_email(event: Event, people: list[Person]) -> str | None:
    return (
        Participant.objects.filter(event=event, status__in=ACTIVE_STATUSES)
        .annotate(lower_email=Lower("email"))
        .filter(lower_email__in=[p.email.lower() for p in people])
        .values_list("lower_email", flat=True)
        .first()
    )


def _check_sessions(event: Event, people: list[Person], *, by=None, slots=None) -> None:
    """Each person picks one session per parallel slot (staff may leave it open). The seat
    counter row is made by seats.lock when it is missing."""
    slots = sessions.choice_slots(event) if slots is None else slots
    if slots:
        sessions.ensure_seats(event)
    required = False if by is not None and by.is_staff else sessions.required_slots(event, slots)
    for person in people:
        sessions.check_choices(slots, person.sessions, required=required)


def _store(
    event, counts, booking, people, language, keys, *, by, override, priced=prices.NOTHING
) -> list[Participant]:
    """Gives seats in order and waiting places to the rest, under the seat lock (`counts`),
    then stores the participants with their final status and reserved `keys`, their answers
    and their history. Deciding before storing saves fixing rows afterwards: a rush is mostly
    people joining the waiting list."""
    participants = [
        Participant(
            pk=key,
            booking=booking,
            event=event,
            name=p.name,
            email=p.email,
            organisation=p.organisation,
            job_title=p.job_title,
            phone=p.phone,
            in_participant_list=p.in_participant_list,
            language=language,
            status=ParticipantStatus.CONFIRMED,
        )
        for key, p in zip(keys, people, strict=True)
    ]
    prices.apply(priced, participants)
    waiting = seats.place(event, counts, participants, override=override)
    if waiting and not counts.waiting_list_enabled:
        given = len(participants) - len(waiting)
        raise RegistrationError(
            ngettext(
                "Sorry, there is only %(count)d seat left.",
                "Sorry, there are only %(count)d seats left.",
                given,
            )
            % {"count": given}
            if given
            else _("Sorry, the event is sold out."),
            code="sold_out",
        )
    prices.check_limits(event, priced, participants)
    rows.insert(participants)  # an address already registered fails here, on its unique index
    rows.insert(
        [
            Answer(participant=participant, question_id=qid, value=value)
            for participant, person in zip(participants, people, strict=True)
            for qid, value in person.answers.items()
            if value not in (None, "", [])
        ],
        keys=False,
    )
    history.record_registered(participants, by=by)
    seats.save(counts)
    prices.store(booking, priced, participants)
    if any(p.status == ParticipantStatus.CONFIRMED for p in participants) and (
        priced.prices or priced.options
    ):
        signals.changed(booking.pk, event, priced=True)
    return participants


@contextmanager
def _under_seat_lock(event: Event, keys: dict):
    """The transaction of a registration: reserves `keys` (so many per model), takes the seat
    lock and yields both; the block's writes go together at its end (rows.batch). On PostgreSQL
    that is three waits for the server: BEGIN; the lock, then the capacity and the keys, in one
    pipeline; the writes with the COMMIT (rows.atomic). The seat lock is held over the last two."""
    with rows.atomic():
        counts = seats.lock(event, keys=keys)
        with rows.batch():
            yield counts.keys, counts


def _mail(participants, keys: list) -> None:
    """Queued once the seats are decided, so the mail says seat or waiting list whichever task
    backend renders it (the database worker after commit, the immediate one in tests at once).
    `keys` are the messages' reserved primary keys, the first len(participants) of them."""
    for participant, key in zip(participants, keys, strict=False):
        mails.to_participant(participant, "registered", pk=key)


def accepted_terms(accepts_terms: bool, *, by=None, shown: str | None = None, current=None) -> dict:
    """The Booking fields recording what the booker accepted: the current privacy policy and
    registration terms (core.terms) and when. Anyone but staff must accept them when the site
    has any; a booking staff make records none unless they say the person accepted. `shown`:
    the CurrentTerms.key of the versions the form linked to; when the terms changed since,
    the booker is asked to read them again. `current` (core.terms.CurrentTerms) saves a query
    when the caller has them."""
    staff = by is not None and by.is_staff
    if staff and not accepts_terms:
        return {}
    current = terms.current_terms() if current is None else current
    if accepts_terms and shown is not None and shown != current.key:
        raise RegistrationError(
            _(
                "The privacy policy or the registration terms changed while you filled in the"
                " form. Please read the new version and send the form again."
            ),
            code="terms_changed",
            field="consent",
        )
    if not accepts_terms:
        if current.versions and not staff:
            raise RegistrationError(
                _("Please accept the privacy policy and the registration terms to register."),
                code="terms_not_accepted",
                field="consent",
            )
        return {}
    return {
        "privacy_version": current.privacy,
        "terms_version": current.terms,
        "terms_accepted_at": timezone.now(),
    }


def sends_summary(booker: Booker, people: list[Person]) -> bool:
    """Whether the booker gets a summary with the booking's link: unless they registered only
    themselves, when their own confirmation says it all."""
    return len(people) > 1 or people[0].email.lower() != booker.email.lower()


def register(
    event: Event,
    *,
    booker: Booker,
    people: list[Person],
    language: str,
    form_token: uuid.UUID | None = None,
    by=None,
    override_capacity: bool = False,
    slots=None,
    payer: PayerData | None = None,
    catalogue: pricing.Catalogue | None = None,
    accepts_terms: bool = False,
    terms_shown: str | None = None,
    current_terms: terms.CurrentTerms | None = None,
) -> Booking:
    """Registers `people` for `event` in one booking.

    Refuses (RegistrationError) outside the registration window, above the booking size, with an
    address already registered, or when full without a waiting list. Seats go in order; the rest
    join the waiting list (see _under_seat_lock for the transaction).
    Queues a mail to each participant and a summary to the booker. A second submission of the
    same form token returns the first booking. `slots` and `catalogue` (the event's prices) save
    queries when the caller has them. A priced event needs a `payer` (services.prices.decide).
    `accepts_terms`: the booker accepted the current privacy policy and registration terms,
    which the booking records (accepted_terms: required of all but staff); `terms_shown`, the
    versions the form showed, must still be the current ones (`current_terms`, as the
    form's event cache holds them, saves a query)."""
    token = form_token or uuid.uuid4()
    check_open(event, by=by)
    accepted = accepted_terms(accepts_terms, by=by, shown=terms_shown, current=current_terms)
    # Addresses already registered are found by the unique index below: one query fewer here.
    _check_people(event, people, by=by, taken=False)
    _check_sessions(event, people, by=by, slots=slots)
    catalogue = pricing.catalogue(event) if catalogue is None else catalogue
    priced = prices.decide(
        event, people, booker_email=booker.email, payer=payer, catalogue=catalogue, by=by
    )
    summary = sends_summary(booker, people)
    try:
        reserve = {Booking: 1, Participant: len(people), OutboxMessage: len(people) + summary}
        with _under_seat_lock(event, reserve) as (keys, counts):
            booking = Booking(
                pk=keys[Booking][0],
                event=event,
                booker_name=booker.name,
                booker_email=booker.email,
                booker_organisation=booker.organisation,
                booker_phone=booker.phone,
                language=language,
                form_token=token,
                **accepted,
            )
            rows.insert([booking])  # a form sent twice fails on its unique token
            participants = _store(
                event,
                counts,
                booking,
                people,
                language,
                keys[Participant],
                by=by,
                override=override_capacity,
                priced=priced,
            )
            sessions.take(participants, [p.sessions for p in people])
            _mail(participants, keys[OutboxMessage])
            written = partial(_written, booking, participants, people, priced, counts)
            signals.announce_registered(booking, participants, written=written)
            if summary:
                mails.to_booker(booking, "booking_summary", pk=keys[OutboxMessage][-1])
    except RegistrationError:
        # Refused under the lock (sold out, a session full). On PostgreSQL the rows are still
        # held back then (rows.batch), so the same form sent again, or an address already
        # registered, is found here: both say more than the refusal.
        if done := _submitted(event, form_token):
            return done
        if email := _taken_email(event, people):
            raise AlreadyRegistered(email, field=None) from None
        raise
    except IntegrityError as error:
        # The same form sent twice, or an address already registered (maybe a moment ago).
        if done := _submitted(event, form_token):
            return done
        if email := _taken_email(event, people):
            raise AlreadyRegistered(email, field=None) from error
        # Else a question the form offered was deleted a moment ago (the public form keeps
        # its event for two seconds).
        log.warning("Registration for event %s refused: %s", event.pk, error)
        raise RegistrationError(
            _("The form has changed since you opened it. Please check it and send it again."),
            code="stale",
        ) from error
    booking.registered = participants
    return booking


def _written(booking, participants, people, priced, counts) -> dict[int, dict]:
    """What this registration wrote beside its participants, as a reader of the rows would
    find it once they are written (signals.registered): per participant its place in line (the
    newcomers join the end of it: `counts` holds the line with them), its options in the
    options' order, its sessions by id, and no check-in. The booking learns its payer, or that
    it has none."""
    if priced.payer is None:
        Booking._meta.get_field("payer").set_cached_value(booking, None)
    waiting = [p for p in participants if p.status == ParticipantStatus.WAITING]
    ahead = counts.waiting - len(waiting)
    places = {p.pk: ahead + number for number, p in enumerate(waiting, start=1)}
    chosen = [*priced.options, *[[]] * (len(participants) - len(priced.options))]
    return {
        participant.pk: {
            "waiting_place": places.get(participant.pk),
            "chosen_options": sorted(
                (ParticipantOption(participant=participant, option=o, amount=a) for o, a in pick),
                key=lambda c: (c.option.position, c.option_id),
            ),
            "sessions": sorted(person.sessions),
            "checked_in_at": None,
        }
        for participant, person, pick in zip(participants, people, chosen, strict=True)
    }


def _submitted(event: Event, form_token) -> Booking | None:
    if not form_token:
        return None
    return Booking.objects.filter(form_token=form_token, event=event).first()


def add_participants(booking: Booking, people: list[Person], *, by=None) -> list[Participant]:
    """Adds colleagues to an existing booking, while registration is open, under the same rules."""
    event = booking.event
    check_open(event, by=by)
    active = booking.participants.filter(status__in=ACTIVE_STATUSES).count()
    if active + len(people) > event.max_booking_size and not (by is not None and by.is_staff):
        raise RegistrationError(
            _("A booking can hold at most %(count)d participants.")
            % {"count": event.max_booking_size},
            code="too_many",
        )
    _check_people(event, people, by=by)
    _check_sessions(event, people, by=by)
    priced = prices.decide(
        event,
        people,
        booker_email=booking.booker_email,
        payer=None,
        catalogue=pricing.catalogue(event),
        by=by,
        has_payer=True,  # the booking's own pays for all its participants
    )
    try:
        reserve = {Participant: len(people), OutboxMessage: len(people)}
        with _under_seat_lock(event, reserve) as (keys, counts):
            participants = _store(
                event,
                counts,
                booking,
                people,
                booking.language,
                keys[Participant],
                by=by,
                override=False,
                priced=priced,
            )
            sessions.take(participants, [p.sessions for p in people])
            _mail(participants, keys[OutboxMessage])
            signals.announce_registered(booking, participants)
    except IntegrityError as error:  # a concurrent registration took the address first
        raise AlreadyRegistered(people[0].email, field=None) from error
    return participants
