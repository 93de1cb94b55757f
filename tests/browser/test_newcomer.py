"""What a newcomer met on the public site (issue 11): staying home while booking colleagues,
long names without spaces, hyphenated session cards."""

from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import DESKTOP
from tests.factories import EventFactory, SessionFactory, SiteSettingsFactory, register_people
from tilmeld.registrations.models import Participant, Question
from tilmeld.registrations.services.booking import Booker

LONG_NAME = "Bibliotekschef" * 14 + "Jens"  # 200 characters, no space to break at


def _event(**kwargs):
    SiteSettingsFactory()
    return EventFactory(**{"title_da": "Bibliotekernes dag", "max_booking_size": 5, **kwargs})


OVERFLOWING = """[...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}`)"""


def sticking_out(page) -> list[str]:
    """What sticks out past the viewport's right edge; checks the page is no wider."""
    width = page.evaluate("document.documentElement.scrollWidth")
    return page.evaluate(OVERFLOWING) + ([f"page {width}px"] if width > DESKTOP["width"] else [])


def test_unticking_i_attend_hides_my_own_questions_and_registers_only_colleagues(page, axe):
    event = _event()
    Question.objects.create(event=event, text_da="Deltager du i frokosten?", kind="yes_no",
                            required=True)  # fmt: skip

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}) + "?colleagues=1")
    own = page.locator(".attending-only")
    assert own.get_by_text("Deltager du i frokosten?").is_visible()
    page.get_by_label("Jeg deltager selv").uncheck()

    assert own.is_hidden()
    colleague = page.get_by_role("group", name="Kollega 1")
    assert colleague.get_by_text("Deltager du i frokosten?").is_visible()
    axe(page)
    page.get_by_label("Navn").first.fill("Chef Jensen")
    page.get_by_label("E-mail").first.fill("chef@example.org")
    colleague.get_by_label("Navn").fill("Bo Berg")
    colleague.get_by_label("E-mail").fill("bo@example.org")
    colleague.get_by_label("Ja").check()
    page.get_by_label("Jeg har læst privatlivspolitikken").check()
    page.get_by_role("button", name="Tilmeld", exact=True).click()

    page.get_by_role("heading", name="Din booking").wait_for()
    assert list(Participant.objects.values_list("name", flat=True)) == ["Bo Berg"]


def test_ticking_i_attend_again_shows_my_own_questions(page):
    event = _event()
    Question.objects.create(event=event, text_da="Kost", kind="text")

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    page.get_by_label("Jeg deltager selv").uncheck()
    page.get_by_label("Jeg deltager selv").check()

    assert page.locator(".attending-only").get_by_label("Kost").is_visible()


def test_a_long_name_without_spaces_fits_the_booking_and_participant_pages(page, axe):
    event = _event(binding_at=None)
    chef = Booker(LONG_NAME, "chef@example.org")
    long_one, _bo = register_people(event, LONG_NAME, "Bo", booker=chef)

    page.goto(long_one.booking.get_manage_url())
    page.get_by_role("heading", name="Din booking").wait_for()
    assert sticking_out(page) == []
    axe(page)

    page.goto(long_one.get_manage_url())
    page.get_by_role("heading", name="Din tilmelding").wait_for()
    assert sticking_out(page) == []


def test_a_long_name_without_spaces_fits_the_form_sent_back(page):
    event = _event(title_da="Borgerinddragelsesworkshopforbibliotekschefer" * 4)

    page.goto(reverse("registrations:register", kwargs={"slug": event.slug}))
    page.get_by_label("Navn").fill(LONG_NAME)
    page.get_by_label("E-mail").fill(LONG_NAME[:60] + "@example.org")
    page.get_by_role("button", name="Tilmeld", exact=True).click()  # no consent: sent back

    page.get_by_text("Formularen har fejl").wait_for()
    assert page.get_by_label("Navn").input_value() == LONG_NAME
    assert sticking_out(page) == []


def test_session_cards_hyphenate_in_the_language_they_are_written_in(page):
    event = _event()
    for title_da, title_en in [("Borgerinddragelse", ""), ("Læsefællesskaber", "Reading groups")]:
        SessionFactory(event=event, title_da=title_da, title_en=title_en, capacity=None)
    with translation.override("en"):
        english = event.get_absolute_url()

    page.goto(english)

    titles = page.locator(".session-title")
    styles = titles.evaluate_all(
        "els => els.map(e => [e.textContent, getComputedStyle(e).hyphens,"
        " e.closest('[lang]').getAttribute('lang')])"
    )
    assert styles == [
        ["Borgerinddragelse", "auto", "da"],
        ["Reading groups", "auto", "en"],
    ]
