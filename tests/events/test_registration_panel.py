import pytest
import time_machine

from tests.core.pages import card_titles, content, local, text_of, url
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

LAST_FREE_MINUTE, BINDING_FROM = local(2016, 5, 10, 23, 59), local(2016, 5, 11)


def conference(**fields):
    """Registration 18 April 12.00 to 18 May 12.00, binding from 10 May, the event on 23 May."""
    return EventFactory(
        **{
            "starts_at": local(2016, 5, 23, 9, 30),
            "ends_at": local(2016, 5, 23, 16),
            "registration_opens_at": local(2016, 4, 18, 12),
            "registration_closes_at": local(2016, 5, 18, 12),
            "binding_at": local(2016, 5, 11),  # binding from midnight: "after 10 May"
            "published_at": local(2016, 3, 1),
            **fields,
        }
    )


def panel_at(client, event, moment):
    with time_machine.travel(moment, tick=False):
        response = client.get(url("events:detail", "en", slug=event.slug))
    return content(response)


@pytest.mark.parametrize(
    ("moment", "state", "text"),
    [
        (local(2016, 4, 18, 11, 59), "not_yet_open", "Registration opens 18 April 2016, 12:00."),
        (local(2016, 4, 18, 12), "open", "Registration is open until 18 May 2016, 12:00."),
        (local(2016, 5, 18, 11, 59), "open", "Registration is open until 18 May 2016, 12:00."),
        (local(2016, 5, 18, 12), "closed", "Registration for the event is now closed."),
        (local(2016, 5, 24, 10), "closed", "Registration for the event is now closed."),
    ],
)
def test_registration_state_follows_the_dates(client, site, moment, state, text):
    event = conference()

    page = panel_at(client, event, moment)

    assert f'<section class="registration-panel state-{state}"' in page
    assert text_of(page, "p", "state-text") == text


@pytest.mark.parametrize(
    ("moment", "lang", "text"),
    [
        (
            LAST_FREE_MINUTE,
            "en",
            "Registration is binding after 10 May 2016. "
            "After that another person may attend in your place.",
        ),
        (
            BINDING_FROM,
            "en",
            "Registration became binding after 10 May 2016. "
            "After that another person may attend in your place.",
        ),
        (
            LAST_FREE_MINUTE,
            "da",
            "Tilmeldingen er bindende efter 10. maj 2016. "
            "Herefter kan en anden person deltage i stedet for dig.",
        ),
        (
            BINDING_FROM,
            "da",
            "Tilmeldingen blev bindende efter 10. maj 2016. "
            "Herefter kan en anden person deltage i stedet for dig.",
        ),
    ],
)
def test_binding_sentence_turns_past_at_the_binding_midnight(client, site, moment, lang, text):
    event = conference()  # binding from midnight 11 May

    with time_machine.travel(moment, tick=False):
        page = content(client.get(url("events:detail", lang, slug=event.slug)))

    assert text_of(page, "p", "binding") == text


def test_registration_without_closing_time_closes_when_the_event_starts(client, site):
    event = conference(registration_closes_at=None)

    before = panel_at(client, event, local(2016, 5, 23, 9, 29))
    after = panel_at(client, event, local(2016, 5, 23, 9, 30))

    assert text_of(before, "p", "state-text") == "Registration is open until 23 May 2016, 9:30."
    assert text_of(after, "p", "state-text") == "Registration for the event is now closed."


def test_registration_opening_time_is_shown_in_danish(client, site):
    event = conference()

    with time_machine.travel(local(2016, 4, 1), tick=False):
        page = content(client.get(url("events:detail", slug=event.slug)))

    assert "18. april 2016, kl. 12.00" in text_of(page, "p", "state-text")
    assert "10. maj 2016" in text_of(page, "p", "binding")


def test_cancelled_event_says_so_without_binding_date(client, site):
    event = conference(is_cancelled=True)

    page = panel_at(client, event, local(2016, 5, 1))

    assert '<section class="registration-panel state-cancelled"' in page
    assert text_of(page, "p", "state-text") == "The event has been cancelled."
    assert 'class="binding"' not in page


def test_event_without_registration_says_none_is_needed(client, site):
    event = conference(registration_opens_at=None, registration_closes_at=None)

    page = panel_at(client, event, local(2016, 5, 1))

    assert text_of(page, "p", "state-text") == "No registration is needed for this event."
    assert 'class="binding"' not in page


def test_event_without_binding_date_has_no_binding_sentence(client, site):
    event = conference(binding_at=None)

    page = panel_at(client, event, local(2016, 5, 1))

    assert text_of(page, "p", "state-text") == "Registration is open until 18 May 2016, 12:00."
    assert 'class="binding"' not in page


@pytest.mark.parametrize(
    ("moment", "badge"),
    [
        (local(2016, 4, 1), '<p class="badge badge-not_yet_open">Registration not yet open</p>'),
        (local(2016, 5, 1), '<p class="badge badge-open">Registration open</p>'),
        (local(2016, 5, 20), '<p class="badge badge-closed">Registration closed</p>'),
    ],
)
def test_event_card_shows_the_registration_state(client, site, moment, badge):
    conference(title_da="Konference")

    with time_machine.travel(moment, tick=False):
        page = content(client.get(url("events:list", "en")))

    assert card_titles(page, "event") == ["Konference"]
    assert badge in page
