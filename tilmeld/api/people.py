"""JSON people and payers turned into what the registration services take, checked as the
public booking form checks them: the same form fields (names and addresses on one line, a valid
e-mail address, the lengths) and the event's questions (required ones answered, choices among
the offered ones). Errors come back as one 422 problem naming each field."""

from django.utils.translation import gettext as _

from tilmeld.api import schemas
from tilmeld.api.problems import Problem
from tilmeld.registrations.enums import QuestionKind
from tilmeld.registrations.forms import PersonForm, to_value
from tilmeld.registrations.payers import PayerData
from tilmeld.registrations.services.booking import Booker, Person


def _form_value(question, value):
    if question.kind == QuestionKind.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    if question.kind != QuestionKind.MULTIPLE and isinstance(value, list):
        return None  # refused below: one answer expected
    return value


def _checked(data: dict, questions, prefix: str, errors: list) -> dict | None:
    """The form's cleaned data for `data`, or None with the form's errors added to `errors`."""
    form = PersonForm(data, questions=questions)
    if form.is_valid():
        return form.cleaned_data
    for name, messages in form.errors.items():
        field = f"answers.{name[1:]}" if name.startswith("q") and name[1:].isdigit() else name
        errors += [{"field": prefix + field, "message": str(m)} for m in messages]
    return None


def _answers_data(answers: dict, questions, prefix: str, errors: list) -> dict:
    by_id = {q.pk: q for q in questions}
    data = {}
    for qid, value in answers.items():
        question = by_id.get(qid)
        if question is None:
            message = _("The event has no question with this id.")
            errors.append({"field": f"{prefix}answers.{qid}", "message": message})
        elif value is not None:
            data[f"q{qid}"] = _form_value(question, value)
    return data


def person(
    given: schemas.DetailsIn | schemas.ParticipantIn, questions, prefix: str, errors: list
) -> Person | None:
    """A Person for register() or substitute_participant(), or None with its errors added."""
    answers = getattr(given, "answers", {})
    data = {
        "name": given.name,
        "email": given.email,
        "organisation": given.organisation,
        "job_title": given.job_title,
        "phone": given.phone,
        **_answers_data(answers, questions, prefix, errors),
    }
    cleaned = _checked(data, questions, prefix, errors)
    if cleaned is None:
        return None
    return Person(
        name=cleaned["name"],
        email=cleaned["email"],
        organisation=cleaned["organisation"],
        job_title=cleaned["job_title"],
        phone=cleaned["phone"],
        answers={q.pk: to_value(q, cleaned.get(f"q{q.pk}")) for q in questions},
        sessions=list(getattr(given, "sessions", [])),
        price_id=getattr(given, "price_id", None),
        options=list(getattr(given, "options", [])),
        in_participant_list=getattr(given, "in_participant_list", False),
    )


def booker(given: schemas.BookerIn, errors: list) -> Booker | None:
    data = given.dict()
    cleaned = _checked(data, (), "booker.", errors)
    if cleaned is None:
        return None
    return Booker(cleaned["name"], cleaned["email"], cleaned["organisation"], cleaned["phone"])


def payer(given: schemas.PayerIn | None) -> PayerData | None:
    """What registrations.payers checks (inside register()); its errors name `payer.<field>`."""
    return None if given is None else PayerData(**given.dict())


def changed_person(participant, patch: schemas.ParticipantPatch, questions, current: dict):
    """The participant's details and answers with `patch` applied, checked like a new person,
    and the ids of the questions the patch answers."""
    given = {}
    for name in ("name", "email", "organisation", "job_title", "phone"):
        value = getattr(patch, name)
        given[name] = value if value is not None else getattr(participant, name)
    answers = {**current, **(patch.answers or {})}
    errors: list = []
    found = person(
        schemas.ParticipantIn(**given, answers={k: v for k, v in answers.items() if v is not None}),
        questions,
        "",
        errors,
    )
    if errors:
        raise invalid(errors)
    return found, list((patch.answers or {}).keys())


def invalid(errors: list) -> Problem:
    return Problem(422, "validation", _("The request is not valid."), errors=errors)
