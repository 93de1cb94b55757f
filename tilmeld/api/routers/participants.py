"""Changes to one participant: edit, cancel, hand over (registrations:write), check in
(checkin:write). Each calls the service the manage pages call.

Whose rules: the participant's, as for registering (see routers/registrations.py): the API
edits until the event starts, cancels free of charge until the binding date and refuses after
it (409 `binding`), hands over where the event allows it (409 `no_sub`). The changes are made
with `by=None` and the history says "by the participant". Staff overrides (cancelling a binding
seat, moving someone up) stay in the admin. A check-in is the door staff's act: it is recorded
as the token owner's."""

from django.http import Http404
from ninja import Path, Router, Status

from tilmeld.api import people, schemas, serialize
from tilmeld.api.auth import needs, token_auth
from tilmeld.api.enums import Scope
from tilmeld.api.idempotency import idempotent
from tilmeld.api.problems import registration_problem
from tilmeld.api.responses import problems
from tilmeld.registrations import selectors
from tilmeld.registrations.exceptions import RegistrationError
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services import changes, checkin

router = Router(tags=["participants"], auth=token_auth)

ParticipantId = schemas.Annotated[int, Path(ge=1, le=2**63 - 1)]
WRITE_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 422, 429)


def _participant(participant_id: int) -> Participant:
    participant = Participant.objects.select_related("event").filter(pk=participant_id).first()
    if participant is None:
        raise Http404
    return participant


def _data(participant: Participant) -> dict:
    fresh = serialize.participant_rows(Participant.objects.filter(pk=participant.pk))
    found = fresh.select_related("event").get()
    return serialize.participant_data(found)


@router.get(
    "/{participant_id}",
    response={200: schemas.Participant, **problems(401, 403, 404, 422, 429)},
    summary="A participant",
    auth=needs(Scope.REGISTRATIONS_READ),
)
def participant_detail(request, participant_id: ParticipantId):
    return _data(_participant(participant_id))


@router.patch(
    "/{participant_id}",
    response={200: schemas.Participant, **WRITE_PROBLEMS},
    summary="Edit a participant",
    auth=needs(Scope.REGISTRATIONS_WRITE),
)
def update_participant(request, participant_id: ParticipantId, payload: schemas.ParticipantPatch):
    """Changes the fields given, checked as the manage page checks them; `answers` by question
    id, null removing an answer. Until the event starts (409 `started`)."""
    participant = _participant(participant_id)
    questions = selectors.event_questions(participant.event)
    person, question_ids = people.changed_person(
        participant, payload, questions, selectors.answers_by_question(participant)
    )
    try:
        changes.update_participant(participant, person, by=None, question_ids=question_ids)
    except RegistrationError as error:
        raise registration_problem(error) from None
    return _data(participant)


@router.post(
    "/{participant_id}/cancel",
    response={200: schemas.Participant, **WRITE_PROBLEMS},
    summary="Cancel a registration",
    auth=needs(Scope.REGISTRATIONS_WRITE),
)
@idempotent
def cancel(request, participant_id: ParticipantId, payload: schemas.CancelIn | None = None):
    """Cancels a seat, an offer or a waiting place; a freed seat goes to the first in line.
    After the binding date a seat can no longer be cancelled (409 `binding`): a colleague may
    take it over instead."""
    participant = _participant(participant_id)
    reason = payload.reason if payload is not None else ""
    try:
        changes.cancel_registration(participant, by=None, reason=reason)
    except RegistrationError as error:
        raise registration_problem(error) from None
    return _data(participant)


@router.post(
    "/{participant_id}/substitute",
    response={201: schemas.Participant, **WRITE_PROBLEMS},
    summary="Hand the seat over",
    auth=needs(Scope.REGISTRATIONS_WRITE),
)
@idempotent
def substitute(request, participant_id: ParticipantId, payload: schemas.SubstituteIn):
    """Another person takes over the seat (or waiting place) with its price and options; the
    answer is the new participant. The old one becomes `substituted`."""
    participant = _participant(participant_id)
    errors: list = []
    person = people.person(payload, (), "", errors)
    if errors:
        raise people.invalid(errors)
    try:
        new = changes.substitute_participant(
            participant, person, by=None, language=payload.language
        )
    except RegistrationError as error:
        raise registration_problem(error) from None
    return Status(201, _data(new))


@router.post(
    "/{participant_id}/checkin",
    response={200: schemas.CheckIn, **WRITE_PROBLEMS},
    summary="Check a participant in",
    auth=needs(Scope.CHECKIN_WRITE),
)
def check_in(request, participant_id: ParticipantId):
    """Records the arrival of a confirmed participant, as the door's scanner does. Checking in
    again changes nothing (`created` false). Anyone without a confirmed seat: 409
    `not_confirmed`."""
    participant = _participant(participant_id)
    try:
        _arrival, created = checkin.check_in(participant, by=request.auth.owner)
    except RegistrationError as error:
        raise registration_problem(error) from None
    return {"participant": _data(participant), "created": created}
