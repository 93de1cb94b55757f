"""A confirmed participant joins the participant list on their own page and reads it, by
keyboard alone, with no accessibility violations."""

from django.urls import reverse

from tests.factories import EventFactory, SiteSettingsFactory, register_people
from tilmeld.registrations.models import Participant
from tilmeld.registrations.services.changes import set_listing


def _focus(page, locator, *, limit=80):
    """Tabs until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} was not reached by keyboard")


def test_a_participant_joins_the_list_and_reads_it_by_keyboard(page, axe):
    SiteSettingsFactory()
    event = EventFactory(title_da="Bibliotekernes dag")
    anne, bo, _carl = register_people(event, "Anne Holm", "Bo Berg", "Carl Dahl")  # no consent
    Participant.objects.filter(pk=bo.pk).update(
        organisation="Vejle Bibliotekerne", job_title="Bibliotekar"
    )
    set_listing(bo, listed=True)

    page.goto(anne.get_manage_url())
    axe(page)
    box = page.get_by_label("Vis mig på deltagerlisten for de andre deltagere")
    _focus(page, box)
    page.keyboard.press("Space")
    assert box.is_checked()
    _focus(page, page.get_by_role("button", name="Gem mit svar"))
    page.keyboard.press("Enter")

    page.get_by_text("Du vises nu på deltagerlisten.").wait_for()
    axe(page)
    link = page.get_by_role("link", name="Se, hvem der ellers kommer")
    _focus(page, link)
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Deltagerliste", level=1).wait_for()
    assert page.url.endswith(
        reverse("registrations:participant_list", kwargs={"token": anne.manage_token})
    )
    rows = page.locator("table tbody tr")
    assert [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())] == [
        ["Anne Holm", "", ""],
        ["Bo Berg", "Vejle Bibliotekerne", "Bibliotekar"],
    ]
    assert page.get_by_role("columnheader").all_inner_texts() == [
        "Navn",
        "Organisation",
        "Stilling",
    ]
    axe(page)
