import re

import pytest
from django.utils import translation

from tests.factories import EventFactory
from tests.registrations.test_views import form_data, register_url
from tilmeld.registrations.models import Question

pytestmark = pytest.mark.django_db


def summary_lines(page: str) -> list[str]:
    summary = page.split('id="error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li><a [^>]*>([^<]*)</a></li>", summary)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "da",
            [
                "Deltager du i middagen om aftenen? Dette felt er påkrævet.",
                "Kost: Dette felt er påkrævet.",
            ],
        ),
        (
            "en",
            [
                "Are you coming to the dinner in the evening? This field is required.",
                "Diet: This field is required.",
            ],
        ),
    ],
)
def test_error_summary_adds_no_colon_after_a_question_mark(client, site, lang, expected):
    event = EventFactory()
    for position, (da, en) in enumerate(
        [("Deltager du i middagen om aftenen?", "Are you coming to the dinner in the evening?"),
         ("Kost", "Diet")]
    ):  # fmt: skip
        Question.objects.create(
            event=event, text_da=da, text_en=en, kind="text", required=True, position=position
        )
    with translation.override(lang):
        data = form_data(client, event)

        page = client.post(register_url(event), data).content.decode()

    assert summary_lines(page) == expected
