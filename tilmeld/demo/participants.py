"""Demo registrations: libraries from around the country, some groups, a waiting list."""

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tilmeld.events.models import Event
from tilmeld.mail.models import OutboxMessage
from tilmeld.registrations.models import CheckIn, Question
from tilmeld.registrations.services.booking import Booker, Person, register
from tilmeld.registrations.services.changes import cancel_registration
from tilmeld.registrations.services.checkin import check_in
from tilmeld.registrations.services.sessions import choice_slots

LIBRARIES = [
    "Aarhus Kommunes Biblioteker", "Odense Bibliotekerne", "Roskilde Bibliotekerne",
    "Gentofte Bibliotekerne", "Tårnby Kommunebiblioteker", "Vejle Bibliotekerne",
    "Silkeborg Bibliotekerne", "Herning Bibliotekerne", "Aalborg Bibliotekerne",
    "Københavns Biblioteker", "Esbjerg Kommunes Biblioteker", "Slagelse Bibliotekerne",
]  # fmt: skip
FIRST = ["Anne", "Mette", "Lars", "Søren", "Hanne", "Jens", "Camilla", "Peter", "Louise", "Niels",
         "Sofie", "Henrik", "Ida", "Rasmus", "Birgitte", "Mads", "Karen", "Thomas"]  # fmt: skip
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
        "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen"]  # fmt: skip
SEND_TASK = "tilmeld.mail.tasks.send_message"
TITLES = ["Bibliotekar", "Biblioteksleder", "Kulturchef", "Formidler", "Konsulent"]


# A day with an evening dinner (the conferences).
DAY_QUESTIONS = [
    dict(text_da="Kost", text_en="Diet", kind="multiple",
         choices_da="Vegetar\nVegansk\nGlutenfri\nLaktosefri",
         choices_en="Vegetarian\nVegan\nGluten-free\nLactose-free", sensitive=True),
    dict(text_da="Har du behov for tilgængelighed (fx tolk eller niveaufri adgang)?",
         text_en="Do you have accessibility needs (e.g. an interpreter or step-free access)?",
         kind="text", sensitive=True),
    dict(text_da="Deltager du i middagen om aftenen?", text_en="Will you join the dinner in the evening?",
         kind="yes_no", required=True),
]  # fmt: skip
# An afternoon meeting: no meals, a topic to prepare.
MEETING_QUESTIONS = [
    dict(text_da="Hvilket emne vil du helst drøfte?", text_en="Which topic would you most like to discuss?",
         kind="choice", choices_da="Budgetter\nBemanding\nÅbningstider",
         choices_en="Budgets\nStaffing\nOpening hours"),
]  # fmt: skip


def questions(event: Event, specs=DAY_QUESTIONS) -> list[Question]:
    if event.questions.exists():
        return list(event.questions.all())
    return [
        Question.objects.create(event=event, position=i, **spec) for i, spec in enumerate(specs)
    ]


def _person(n: int, event_questions: list[Question], slots) -> Person:
    first, last = FIRST[n % len(FIRST)], LAST[(n * 7) % len(LAST)]
    library = LIBRARIES[n % len(LIBRARIES)]
    answers = {}
    for q in event_questions:
        if q.kind == "choice":
            answers[q.pk] = q.choice_list[n % len(q.choice_list)]
        elif q.kind == "multiple" and n % 4 == 0:
            answers[q.pk] = [q.choice_list[n % len(q.choice_list)]]
        elif q.kind == "yes_no":
            answers[q.pk] = n % 3 != 0
    return Person(
        name=f"{first} {last}",
        email=f"{first.lower()}.{last.lower()}.{n}@eksempel.dk".replace("ø", "oe")
        .replace("æ", "ae")
        .replace("å", "aa"),
        organisation=library,
        job_title=TITLES[n % len(TITLES)],
        answers=answers,
        sessions=[slot[n % len(slot)].pk for slot in slots],
        in_participant_list=n % 3 != 1,  # two in three agreed to the participant list
    )


def fill(
    event: Event,
    count: int,
    *,
    group_every: int = 5,
    by=None,
    question_specs=DAY_QUESTIONS,
    payer_for=None,
) -> None:
    """Registers `count` demo people, every `group_every`-th booking a group of three. `by` (a
    staff user) registers outside the registration window, e.g. for a past event. `payer_for`,
    for a priced event: (booking number, people) -> PayerData, choosing the people's prices."""
    if event.participants.exists():
        return
    event_questions = questions(event, question_specs)
    slots = choice_slots(event)
    n = number = 0
    while n < count:
        size = 3 if (n // group_every) % 2 and count - n >= 3 else 1
        people = [_person(n + i, event_questions, slots) for i in range(size)]
        booker = Booker(people[0].name, people[0].email, people[0].organisation)
        payer = payer_for(number, people) if payer_for else None
        booking = register(
            event,
            booker=booker,
            people=people,
            language="da",
            by=by,
            payer=payer,
            accepts_terms=by is None,  # staff registered the past event's participants
        )
        number += 1
        # Spread the demo registrations over the days since opening, for the dashboard's chart.
        days_ago = (count - n) * 7 // count
        end = min(timezone.now(), event.registration_ends_at)
        when = end - dt.timedelta(days=days_ago, hours=n % 9)
        booking.participants.update(created_at=when)
        n += size
    # The demo participants were "mailed" long ago: only mails made after loading get printed.
    forget_mails(OutboxMessage.objects.filter(reference=f"event:{event.pk}"))


def forget_mails(messages) -> None:
    """Deletes demo mails not yet sent, and their send tasks."""
    ids = list(messages.values_list("pk", flat=True))
    DBTaskResult.objects.filter(task_path=SEND_TASK, args_kwargs__args__0__in=ids).delete()
    messages.filter(pk__in=ids).delete()


def free_a_seat(event: Event, *, by) -> None:
    """Staff cancel one confirmed participant, so the first in line is offered the seat."""
    if event.participants.exclude(status__in=["confirmed", "waiting"]).exists():
        return
    first = event.participants.filter(status="confirmed").order_by("id").first()
    cancel_registration(first, by=by, reason="Demo: syg / ill")


def arrive(event: Event, *, every: int, by) -> None:
    """Checks in all but every `every`-th confirmed participant: the rest are the no-shows."""
    if CheckIn.objects.filter(participant__event=event).exists():
        return
    confirmed = event.participants.filter(status="confirmed").order_by("id")
    for number, participant in enumerate(confirmed):
        if number % every:
            check_in(participant, by=by)
