import html
import re

import pytest

from tests.core.pages import content, url
from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.registrations.models import Question
from tilmeld.registrations.services.booking import Person
from tilmeld.registrations.services.changes import substitute_participant, update_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, site):
    client.force_login(StaffFactory())
    return client


def history(client, participant, lang) -> list[str]:
    """The "changes" cell of each history row, oldest first."""
    page = content(
        client.get(url("admin:registrations_participant_change", lang, object_id=participant.pk))
    )
    cells = re.findall(r'<td class="field-what_changed">\s*<p>(.*?)</p>', page, re.DOTALL)
    return [html.unescape(cell) for cell in cells]


@pytest.mark.parametrize(
    ("lang", "old_line", "new_line"),
    [
        ("da", "Overdraget til Bo Berg", "Overtaget fra Anne Ås"),
        ("en", "Handed over to Bo Berg", "Taken over from Anne Ås"),
    ],
)
def test_history_of_a_handed_over_seat_names_the_other_person(
    staff_client, lang, old_line, new_line
):
    [anne] = register_people(EventFactory(), "Anne Ås")

    bo = substitute_participant(anne, Person("Bo Berg", "bo@example.org"))

    assert history(staff_client, anne, lang) == ["–", old_line]
    assert history(staff_client, bo, lang) == [new_line]


def test_history_of_an_answer_names_the_question_and_says_yes_or_no(staff_client):
    event = EventFactory()
    dinner = Question.objects.create(
        event=event,
        text_da="Deltager du i middagen?",
        text_en="Are you coming to dinner?",
        kind="yes_no",
    )
    diet = Question.objects.create(
        event=event, text_da="Kost", kind="multiple", choices="Vegetar\nGlutenfri"
    )
    [anne] = register_people(event, "Anne")
    person = Person(
        anne.name, anne.email, answers={dinner.pk: True, diet.pk: ["Vegetar", "Glutenfri"]}
    )

    update_participant(anne, person, question_ids=[dinner.pk, diet.pk])

    assert history(staff_client, anne, "da")[-1] == (
        "Deltager du i middagen? – → Ja; Kost: – → Vegetar, Glutenfri"
    )
    assert history(staff_client, anne, "en")[-1] == (
        "Are you coming to dinner? – → Yes; Kost: – → Vegetar, Glutenfri"
    )
