"""Numbers for the event dashboard, each from one aggregate query."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, F, JSONField, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from tilmeld.events.models import Event
from tilmeld.registrations.enums import (
    ChangeAction,
    ParticipantStatus,
    QuestionKind,
)
from tilmeld.registrations.models import Answer, Participant, ParticipantChange, Question
from tilmeld.registrations.selectors import session_seats_left
from tilmeld.registrations.services.sessions import choice_slots


@dataclass
class Bar:
    day: dt.date
    count: int


def cancellations(event: Event) -> dict[str, int]:
    """Cancellations and substitutions: the counts the seat counter (selectors.availability)
    does not keep. Only the cancelled are counted, from the index that starts with (event,
    status), participant_list_order: not every participant of a big event."""
    return {
        "cancelled": Participant.objects.filter(
            event=event, status=ParticipantStatus.CANCELLED
        ).count(),
        "substitutions": ParticipantChange.objects.filter(
            participant__event=event, action=ChangeAction.SUBSTITUTED
        ).count(),
    }


def registrations_per_day(event: Event) -> list[Bar]:
    """Every day from the first registration (or opening) to today or the event, zeros included."""
    rows = dict(
        Participant.objects.filter(event=event)
        .exclude(replaces__isnull=False)  # a substitute is not a new registration
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    if not rows:
        return []
    first = min(rows)
    if event.registration_opens_at:
        first = min(first, timezone.localtime(event.registration_opens_at).date())
    last = max(max(rows), min(timezone.localdate(), timezone.localtime(event.starts_at).date()))
    days = (last - first).days + 1
    return [Bar(first + dt.timedelta(d), rows.get(first + dt.timedelta(d), 0)) for d in range(days)]


def top_organisations(event: Event, limit: int = 10) -> list[tuple[str, int]]:
    """Confirmed participants per organisation, as the answers beside them: who is coming."""
    rows = (
        Participant.objects.filter(event=event, status=ParticipantStatus.CONFIRMED)
        .exclude(organisation="")
        .values_list("organisation")
        .annotate(n=Count("*"))  # not Count("id"): read from participant_confirmed alone
        .order_by("-n", "organisation")[:limit]
    )
    return list(rows)


def answer_summaries(event: Event) -> list[tuple[Question, list[tuple[str, int]], int]]:
    """Per question: (question, [(answer, count)], how many answered), from the confirmed
    participants: what the kitchen and the hosts plan for, not the waiting list."""
    questions = list(Question.objects.filter(event=event))
    if not questions:
        return []
    # Counted by distinct answer in the database: a few rows per question, whatever the
    # number of participants; a list of several choices counts once for each choice in it.
    # Free text is counted, not told apart: one group per text question, not one per answer.
    # The questions are known already, so no join to them; the confirmed participants' ids
    # come from their index alone (participant_confirmed).
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    value = Case(
        When(question_id__in=text_ids, then=Value(None, output_field=JSONField())),
        default=F("value"),
        output_field=JSONField(),
    )
    answers = (
        Answer.objects.filter(
            question_id__in=[q.pk for q in questions],
            participant__event=event,
            participant__status=ParticipantStatus.CONFIRMED,
        )
        .annotate(counted=value)
        .values_list("question_id", "counted")
        .annotate(n=Count("*"))
        .order_by()
    )
    counters: dict[int, Counter] = {q.pk: Counter() for q in questions}
    answered: Counter = Counter()
    for question_id, value, n in answers:
        answered[question_id] += n
        values = value if isinstance(value, list) else [value]
        for item in values:
            counters[question_id][_label(item)] += n
    summaries = []
    for question in questions:
        counts = counters[question.pk]
        if question.kind == QuestionKind.TEXT:
            rows = []  # free text is read in the export, not counted
        elif question.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE):
            rows = [(choice, counts.get(choice, 0)) for choice in question.choice_list]
        else:
            rows = counts.most_common()
        summaries.append((question, rows, answered[question.pk]))
    return summaries


def _label(value) -> str:
    from django.utils.translation import gettext as _

    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    return str(value)


def session_rows(event: Event) -> list[tuple]:
    left = session_seats_left(event)
    return [
        (session, session.capacity - left.get(session.pk, session.capacity), session.capacity)
        for slot in choice_slots(event)
        for session in slot
    ]
