"""Door staff checking people in on their phones, with the page's script under the real CSP."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.factories import EventFactory, SiteSettingsFactory, StaffFactory, register_people
from tilmeld.registrations.models import CheckIn
from tilmeld.registrations.services.checkin import checkin_code

CLOCK = r"kl\. \d{1,2}\.\d{2}"


def _event():
    SiteSettingsFactory()
    StaffFactory(username="door")
    event = EventFactory(title_da="Bibliotekernes dag")
    anne, bo = register_people(event, "Anne Hansen", "Bo Berg")
    return event, anne, bo


def _log_in_and_search(page, event, query):
    page.goto(reverse("staff:checkin", kwargs={"event_id": event.pk}))
    page.locator("#id_username").fill("door")
    page.locator("#id_password").fill("secret-password")
    page.locator("#id_password").press("Enter")
    page.get_by_label("Navn eller organisation").fill(query)
    page.get_by_role("button", name="Søg", exact=True).click()
    return page.locator("li.checkin-item", has_text="Anne Hansen")


def test_door_staff_check_in_see_already_checked_in_and_undo(phone_page, open_page, axe):
    event, anne, _bo = _event()
    first = _log_in_and_search(phone_page, event, "anne")
    other_door = open_page(PHONE)
    stale = _log_in_and_search(other_door, event, "anne")  # loaded before the first tap
    expect(phone_page.locator("#arrivals-text")).to_have_text("0 af 2 er ankommet")
    axe(phone_page)

    first.get_by_role("button", name="Tjek ind").click()

    expect(phone_page.get_by_role("status").first).to_have_text("Anne Hansen er tjekket ind.")
    expect(first).to_contain_text(re.compile(f"Tjekket ind {CLOCK}"))
    expect(phone_page.locator("#arrivals-text")).to_have_text("1 af 2 er ankommet")
    axe(phone_page)

    stale.get_by_role("button", name="Tjek ind").click()

    expect(other_door.get_by_role("status").first).to_have_text(
        re.compile(f"Anne Hansen var allerede tjekket ind {CLOCK}\\.")
    )
    assert CheckIn.objects.get().participant == anne

    stale.get_by_role("button", name="Fortryd").click()

    expect(other_door.get_by_role("status").first).to_have_text(
        "Indtjekningen af Anne Hansen er fortrudt."
    )
    expect(stale.get_by_role("button", name="Tjek ind")).to_be_visible()
    assert CheckIn.objects.count() == 0
    # The first phone's script polls the count and sees the other door's undo.
    expect(phone_page.locator("#arrivals-text")).to_have_text("0 af 2 er ankommet", timeout=15_000)


def test_typed_code_checks_in_without_leaving_the_page(phone_page, axe):
    event, _anne, bo = _event()
    _log_in_and_search(phone_page, event, "bo")
    camera_supported = phone_page.evaluate("'BarcodeDetector' in window")

    code = phone_page.get_by_label("Indtjekningskode")
    code.fill(checkin_code(bo))
    code.press("Enter")

    result = phone_page.locator("#scan-result")
    expect(result).to_contain_text("Bo Berg er tjekket ind.")
    expect(result.get_by_role("button", name="Fortryd")).to_be_visible()
    expect(phone_page.locator("#arrivals-text")).to_have_text("1 af 2 er ankommet")
    assert phone_page.locator("#arrivals-progress").evaluate("p => [p.value, p.max]") == [1, 2]
    expect(code).to_be_focused()
    assert CheckIn.objects.get().participant == bo
    if camera_supported:
        expect(phone_page.get_by_role("button", name="Start kameraet")).to_be_visible()
    else:
        expect(phone_page.locator("#scan-support")).to_have_text(
            "Denne browser kan ikke læse QR-koder med kameraet. "
            "Brug en håndscanner, skriv koden, eller søg på navnet."
        )
    axe(phone_page)

    valid = checkin_code(bo)
    code.fill(valid[:-1] + ("B" if valid.endswith("A") else "A"))
    code.press("Enter")

    expect(result).to_have_text("Koden er ikke en gyldig indtjekningskode.")
    assert CheckIn.objects.count() == 1


def test_no_shows_on_a_phone(phone_page, axe):
    event, anne, _bo = _event()
    CheckIn.objects.create(participant=anne)
    _log_in_and_search(phone_page, event, "anne")

    phone_page.get_by_role("link", name="Udeblevne").click()

    expect(phone_page.locator("#content-main")).to_contain_text(
        "1 af 2 bekræftede deltagere er ikke ankommet."
    )
    expect(phone_page.get_by_role("cell", name="Bo Berg", exact=True)).to_be_visible()
    expect(phone_page.get_by_role("cell", name="Anne Hansen", exact=True)).to_have_count(0)
    axe(phone_page)


# Headless Chromium on Linux has neither a camera nor BarcodeDetector: these stand in for the
# browser's, so the page's own script runs unchanged. A code put in window.seenCodes is "seen".
FAKE_CAMERA = """
window.seenCodes = [];
window.BarcodeDetector = class {
  static getSupportedFormats() { return Promise.resolve(["qr_code"]); }
  detect() { return Promise.resolve(window.seenCodes.map((rawValue) => ({ rawValue }))); }
};
navigator.mediaDevices.getUserMedia = () => {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 32;
  const paint = () => canvas.getContext("2d").fillRect(0, 0, 32, Math.random() * 32);
  paint();
  setInterval(paint, 100);
  return Promise.resolve(canvas.captureStream(10));
};
"""


def test_camera_scan_checks_in_once_per_badge(phone_page, axe):
    event, _anne, bo = _event()
    phone_page.add_init_script(FAKE_CAMERA)
    _log_in_and_search(phone_page, event, "bo")

    phone_page.get_by_role("button", name="Start kameraet").click()
    expect(phone_page.get_by_role("button", name="Stop kameraet")).to_be_visible()
    phone_page.evaluate("code => { window.seenCodes = [code]; }", checkin_code(bo))

    result = phone_page.locator("#scan-result")
    expect(result).to_contain_text("Bo Berg er tjekket ind.")
    expect(phone_page.locator("#arrivals-text")).to_have_text("1 af 2 er ankommet")
    row = phone_page.locator("li.checkin-item", has_text="Bo Berg")
    expect(row).to_contain_text("Bo Berg er tjekket ind.")
    expect(row.get_by_role("button", name="Tjek ind")).to_have_count(0)
    phone_page.wait_for_timeout(1500)  # the badge stays in view: no second check-in
    expect(result).to_contain_text("Bo Berg er tjekket ind.")
    assert CheckIn.objects.get().participant == bo
    axe(phone_page)
    phone_page.get_by_role("button", name="Stop kameraet").click()
    expect(phone_page.locator("#camera-view")).to_be_hidden()
