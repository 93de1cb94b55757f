"""A participant's history in staff words: what each recorded change says, in the staff's language.

The services record changes as {key: [before, after]}: a participant field, "session" (or
"session 13.15" in parallel slots), "question:<id>", "checked_in_at", "offer_expires_at", and
for a substitution "from" / "to" with the two names. Only this module turns those keys into words.
"""

from datetime import datetime

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from tilmeld.core import dates
from tilmeld.core.labels import labelled
from tilmeld.registrations.enums import ParticipantStatus
from tilmeld.registrations.models import Participant, Question


def _field_name(field: str) -> str:
    """A history entry's field as staff know it: the participant's field, or a session."""
    if field.startswith("session"):  # "session", or "session 13.15" in parallel slots
        return capfirst(_("session")) + field.removeprefix("session")
    if field.startswith("question:"):
        question = Question.objects.filter(pk=field.removeprefix("question:")).first()
        return question.text if question else capfirst(_("question"))
    if field == "checked_in_at":
        return capfirst(_("checked in"))
    try:
        return capfirst(Participant._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def _value(field: str, value) -> str:
    if value in (None, "", []):
        return "–"
    if field == "status":
        return str(dict(ParticipantStatus.choices).get(value, value))
    if field in ("checked_in_at", "offer_expires_at"):
        return dates.datetime_text(datetime.fromisoformat(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def change_lines(changes: dict) -> list[str]:
    lines = []
    for field, (before, after) in changes.items():
        if field == "from":
            lines.append(_("Taken over from %(name)s") % {"name": before})
        elif field == "to":
            lines.append(_("Handed over to %(name)s") % {"name": after})
        else:
            values = f"{_value(field, before)} → {_value(field, after)}"
            lines.append(labelled(_field_name(field), values))
    return lines
