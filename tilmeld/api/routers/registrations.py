"""An event's participants and bookings (registrations:read), and registering through the API
(registrations:write): the same register() service as the booking form, the waiting list and
offers included.

Whose rules: a registration through the API obeys the public rules (the registration window,
capacity and waiting list, the booking size, the required sessions and questions): it is made
with `by=None`, as the booking form makes one for a visitor, although the token belongs to a
staff member. A token is handed to another system (a member portal, a CRM); letting it register
outside the window or past the booking size would make it a way round the rules the staff set
for the event. Staff overrides stay in the admin. The history says "by the participant", as
for the form; the token is not recorded (the service has no field for it)."""

from django.http import Http404
from django.utils.translation import get_language
from ninja import Query, Router, Status

from tilmeld.api import cursors, people, schemas, serialize
from tilmeld.api.auth import needs, token_auth
from tilmeld.api.enums import Scope
from tilmeld.api.idempotency import form_token, idempotent
from tilmeld.api.problems import registration_problem
from tilmeld.api.responses import problems
from tilmeld.core.text import single_line
from tilmeld.events.models import Event
from tilmeld.registrations import event_cache
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Booking, Participant, ParticipantOption
from tilmeld.registrations.services.booking import register

router = Router(tags=["registrations"], auth=token_auth)

Slug = schemas.Annotated[str, schemas.Field(pattern=r"^[-a-zA-Z0-9_]{1,100}$")]


class ParticipantFilters(schemas.Schema):
    status: ParticipantStatus | None = None
    session: schemas.Id | None = None  # chose this session
    organisation: str | None = schemas.Field(None, max_length=200)  # contains, any case
    changed_since: schemas.Since | None = None  # updated at or after
    cursor: str | None = schemas.Field(None, max_length=500)
    limit: int = schemas.Field(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT)


class BookingFilters(schemas.Schema):
    cursor: str | None = schemas.Field(None, max_length=500)
    limit: int = schemas.Field(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT)


def _event(slug: str) -> Event:
    """Any event, drafts too: a token that may read registrations is staff's."""
    event = Event.objects.filter(slug=slug).only("id", "slug").first()
    if event is None:
        raise Http404
    return event


@router.get(
    "/{slug}/participants",
    response={200: schemas.ParticipantPage, **problems(400, 401, 403, 404, 422, 429)},
    summary="An event's participants",
    auth=needs(Scope.REGISTRATIONS_READ),
)
def list_participants(request, slug: Slug, filters: Query[ParticipantFilters]):
    """Every participant of the event, every status, ordered by when they last changed (then
    id): page with `next_cursor` until it is null; later, fetch what changed with
    `changed_since`. The cursor keeps the filters it was made with."""
    event = _event(slug)
    rows = Participant.objects.filter(event=event)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.session:
        rows = rows.filter(session_choices__session_id=filters.session)
    if filters.organisation and (organisation := single_line(filters.organisation)):
        rows = rows.filter(organisation__icontains=organisation)
    if filters.changed_since:
        rows = rows.filter(updated_at__gte=filters.changed_since)
    shown = filters.dict(exclude={"cursor", "limit"}) | {"event": event.pk}
    found, next_cursor = cursors.page(
        serialize.participant_rows(rows),
        kind="participants",
        fields=("updated_at", "id"),
        types=(schemas.dt.datetime, int),
        filters=shown,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    for participant in found:
        participant.event = event  # the slug, without a join
    return {"items": serialize.participants_data(found), "next_cursor": next_cursor}


@router.get(
    "/{slug}/bookings",
    response={200: schemas.BookingPage, **problems(400, 401, 403, 404, 422, 429)},
    summary="An event's bookings",
    auth=needs(Scope.REGISTRATIONS_READ),
)
def list_bookings(request, slug: Slug, filters: Query[BookingFilters]):
    """Every booking of the event in the order they were made, with who pays and the ids of
    their participants."""
    event = _event(slug)
    found, next_cursor = cursors.page(
        serialize.booking_rows(Booking.objects.filter(event=event)),
        kind="bookings",
        fields=("id",),
        types=(int,),
        filters={"event": event.pk},
        cursor=filters.cursor,
        limit=filters.limit,
    )
    for booking in found:
        booking.event = event
    return {"items": [serialize.booking_data(b) for b in found], "next_cursor": next_cursor}


@router.post(
    "/{slug}/bookings",
    response={201: schemas.BookingCreated, **problems(400, 401, 403, 404, 409, 413, 422, 429)},
    summary="Register",
    auth=needs(Scope.REGISTRATIONS_WRITE),
)
@idempotent
def create_booking(request, slug: Slug, payload: schemas.BookingIn):
    """Registers the participants in one booking, as the public booking form does (see the
    module's note): seats in order, then the waiting list; each participant and the booker get
    their mails. Refusals are problems with the rule's code: 409 `full`, `closed`, `not_open`,
    `already_registered`, `session_full`, …; 422 for what the request got wrong, each field
    under `errors`. Send an `Idempotency-Key` to retry safely. Where the site has a privacy
    policy or registration terms, the booker must have accepted their current versions
    (`accepts_terms: true`, else 422 `terms_not_accepted`); the booking records which. Each
    participant's `in_participant_list` is their own consent to the participant list."""
    found = event_cache.lookup(slug)  # published events only, as for the form
    if found is None:
        raise Http404
    event, options = found
    errors: list = []
    booker = people.booker(payload.booker, errors)
    persons = [
        people.person(given, options["questions"], f"participants.{index}.", errors)
        for index, given in enumerate(payload.participants)
    ]
    if errors:
        raise people.invalid(errors)
    try:
        booking = register(
            event,
            booker=booker,
            people=persons,
            language=payload.language or get_language(),
            form_token=form_token(request),
            by=None,
            slots=options["slots"],
            payer=people.payer(payload.payer),
            catalogue=options["catalogue"],
            accepts_terms=payload.accepts_terms,
            current_terms=options["terms"],
        )
    except RegistrationError as error:
        raise registration_problem(error) from None
    return Status(201, created(booking, event, persons, options["catalogue"]))


def created(booking: Booking, event: Event, persons, catalogue) -> dict:
    """The booking and its participants as the lists show them, from what register() stored:
    a registration's answer reads only the waiting places (reading it all back took twice the
    time of registering). A booking sent before (the same form token) is read back."""
    registered = getattr(booking, "registered", None)
    if registered is None:
        return stored(booking)
    booking.event = event
    if not Booking.payer.is_cached(booking):  # register() stored no payer: no query for one
        Booking.payer.related.set_cached_value(booking, None)
    places = serialize.waiting_places(registered)
    participants = []
    for participant, person in zip(registered, persons, strict=True):
        participant.event = event
        chosen = [
            ParticipantOption(option=option, amount=option.amount)
            for option in map(catalogue.option, dict.fromkeys(person.options))
            if option is not None
        ]
        participants.append(
            serialize.participant_data(
                participant,
                waiting_place=places.get(participant.pk),
                chosen_options=chosen,
                sessions=sorted(person.sessions),
                checked_in_at=None,
            )
        )
    return {
        "booking": serialize.booking_data(booking, participant_ids=[p.pk for p in registered]),
        "participants": participants,
    }


def stored(booking: Booking) -> dict:
    """The booking and its participants, read back as the lists show them."""
    booking = serialize.booking_rows(Booking.objects.filter(pk=booking.pk)).select_related("event")[
        0
    ]
    participants = list(serialize.participant_rows(Participant.objects.filter(booking=booking)))
    for participant in participants:
        participant.event = booking.event
    return {
        "booking": serialize.booking_data(booking),
        "participants": serialize.participants_data(participants),
    }
