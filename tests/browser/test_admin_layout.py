"""The admin at a laptop's 1280 × 900: nothing runs off to the right, nothing is cut off."""

from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from tests.browser.test_staff_tools import log_in
from tests.core.pages import local
from tilmeld.events.models import Event

# How far the page, or a box that scrolls or clips its content, runs past its visible width.
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
CUT_OFF = (
    "(sel) => { const e = document.querySelector(sel); return e.scrollWidth - e.clientWidth; }"
)
HEIGHT = "document.documentElement.scrollHeight"


@pytest.fixture
def demo(transactional_db):
    """The demo data; its event with the longest programme (12 sessions, speakers, questions)."""
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        call_command("load_demo", password="secret-password", stdout=StringIO())
    return Event.objects.annotate(n=Count("sessions")).order_by("-n").first()


@pytest.fixture
def staff_page(page, demo):
    log_in(page, get_user_model().objects.get(username="staff"))
    return page


def test_event_list_shows_every_column_at_1280(staff_page):
    staff_page.goto(reverse("admin:events_event_changelist"))

    assert staff_page.evaluate(SIDEWAYS) == 0
    assert staff_page.evaluate(CUT_OFF, "#changelist .results") <= 0
    assert staff_page.get_by_role("columnheader", name="Venteliste").is_visible()


@pytest.mark.parametrize(
    ("changelist", "last_column"),
    [
        ("admin:registrations_participant_changelist", "Tilmeldt"),
        ("admin:mail_outboxmessage_changelist", "Sendt"),
    ],
)
def test_participant_and_outbox_lists_show_every_column_at_1280(
    staff_page, changelist, last_column
):
    staff_page.goto(reverse(changelist))

    assert staff_page.evaluate(SIDEWAYS) == 0
    assert staff_page.evaluate(CUT_OFF, "#changelist .results") <= 0
    assert staff_page.get_by_role("columnheader", name=last_column).is_visible()


def test_event_form_fits_1280_with_the_whole_programme(staff_page, demo):
    staff_page.goto(reverse("admin:events_event_change", args=[demo.pk]))

    height = staff_page.evaluate(HEIGHT)
    print(f"event form height at 1280 × 900: {height} px")  # 7510 px before the compact programme
    assert staff_page.evaluate(SIDEWAYS) == 0
    assert staff_page.evaluate(CUT_OFF, "#sessions-group fieldset.module") <= 0
    speakers = staff_page.locator("#sessions-group th.column-speakers").bounding_box()
    group = staff_page.locator("#sessions-group").bounding_box()
    assert speakers["x"] + speakers["width"] <= group["x"] + group["width"]
    assert staff_page.evaluate(CUT_OFF, "#prices-group fieldset.module") <= 0
    assert staff_page.evaluate(CUT_OFF, "#options-group fieldset.module") <= 0
    # 6444 px before prices and options. This event has them open: the VAT settings, three
    # prices and the dinner add ~850 (on a free event the three folded sections add ~190).
    assert height < 7400


def test_message_page_has_a_wide_subject_and_admin_buttons(staff_page, demo):
    staff_page.goto(reverse("staff:message", kwargs={"event_id": demo.pk}))
    staff_page.get_by_label("Til:").select_option("confirmed")
    staff_page.get_by_label("Emne:").fill("Nyt om programmet")
    staff_page.get_by_label("Besked:").fill("Vi ses.")
    staff_page.get_by_role("button", name="Forhåndsvis").click()

    subject = staff_page.get_by_label("Emne:")
    em = subject.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert subject.bounding_box()["width"] >= 40 * em - 1
    send = staff_page.get_by_role("button", name="Send til")
    preview = staff_page.get_by_role("button", name="Forhåndsvis")
    style = "e => { const s = getComputedStyle(e); return [s.backgroundColor, s.borderRadius]; }"
    default_style = staff_page.evaluate(
        "() => { const s = getComputedStyle(document.querySelector('.submit-row .button')); "
        "return s.borderRadius; }"
    )
    assert send.evaluate(style)[1] == preview.evaluate(style)[1] == default_style
    assert send.evaluate(style)[0] != "rgba(0, 0, 0, 0)"  # filled like the admin's Save
    assert send.evaluate(style)[0] != preview.evaluate(style)[0]  # the main action stands out
