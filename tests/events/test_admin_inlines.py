import html
import json
import re

import pytest

from tests.core.pages import content, url
from tests.factories import EventFactory, StaffFactory

pytestmark = pytest.mark.django_db


def add_texts(page: str) -> dict[str, str]:
    """Each inline's "Add another" button text, as the admin's inlines.js will write it."""
    found = re.findall(
        r'id="([\w-]+)-group"\s+data-inline-type="\w+"\s+data-inline-formset="([^"]+)"', page
    )
    return {prefix: json.loads(html.unescape(data))["options"]["addText"] for prefix, data in found}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "da",
            {
                "co_organiser_links": "Tilføj endnu en medarrangør",
                "sessions": "Tilføj endnu et programpunkt",
                "questions": "Tilføj endnu et spørgsmål",
                "prices": "Tilføj endnu en pris",
                "options": "Tilføj endnu et tilvalg",
            },
        ),
        (
            "en",
            {
                "co_organiser_links": "Add another co-organiser",
                "sessions": "Add another session",
                "questions": "Add another question",
                "prices": "Add another price",
                "options": "Add another option",
            },
        ),
    ],
)
def test_event_inlines_add_another_in_the_nouns_own_words(client, site, lang, expected):
    client.force_login(StaffFactory())
    event = EventFactory()

    page = content(client.get(url("admin:events_event_change", lang, object_id=event.pk)))

    assert add_texts(page) == expected
