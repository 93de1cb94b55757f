"""Case-insensitive search finds Danish letters in either case on every database."""

import pytest

from tests.factories import EventFactory, register_people
from tilmeld.core.sqlite_like import like
from tilmeld.registrations.models import Participant

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("search", ["øster", "ØSTER", "Øster", "anne ø", "Æble"])
def test_a_search_finds_danish_letters_in_either_case(search):
    event = EventFactory()
    register_people(event, "Anne Øster", "Æblegård Hansen")

    found = Participant.objects.filter(name__icontains=search)

    assert found.count() == 1


def test_like_keeps_the_wildcards_and_the_escape_character():
    assert like("%50\\%%", "Rabat 50% i dag", "\\")
    assert not like("%50\\%%", "Rabat 500 i dag", "\\")
    assert like("a_c", "AbC")
    assert not like("a_c", "abbc")
    assert like("%", None) is None
