"""Staff two-factor login in Chromium: password, then the code; setting it up; recovery codes."""

import re

from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.accounts.helpers import app_code, give_authenticator, wrong_code
from tests.browser.test_staff_tools import PASSWORD
from tests.factories import EventFactory, SiteSettingsFactory, StaffFactory, register_people


def type_password(page, user, *, goto: str = ""):
    page.goto(goto or reverse("admin:login"))
    page.get_by_label("Brugernavn").fill(user.username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def type_code(page, code: str):
    page.get_by_role("textbox", name="Kode:").fill(code)
    page.get_by_role("textbox", name="Kode:").press("Enter")  # the keyboard alone will do


def test_password_then_code_opens_the_admin_and_a_wrong_code_does_not(page, axe):
    SiteSettingsFactory()
    event = EventFactory()
    register_people(event, "Anne Hansen")
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    participants = reverse("admin:registrations_participant_changelist")

    type_password(page, user, goto=f"{reverse('admin:login')}?next={participants}")

    page.get_by_role("heading", name="Totrinslogin").wait_for()
    expect(page.get_by_role("textbox", name="Kode:")).to_be_focused()  # autofocus, once loaded
    assert page.get_by_text("Anne Hansen").count() == 0
    axe(page)
    type_code(page, wrong_code(device))
    page.get_by_text("Koden er forkert eller udløbet.").wait_for()
    assert page.title().startswith("Fejl:")
    axe(page)
    page.wait_for_timeout(1100)  # django-otp makes the next try wait a second
    type_code(page, app_code(device))

    page.get_by_role("link", name="Anne Hansen").wait_for()
    assert page.url.endswith(participants)


def test_required_setup_with_qr_code_then_a_recovery_code_works_once(open_page, axe):
    SiteSettingsFactory()
    register_people(EventFactory(), "Anne Hansen")
    user = StaffFactory()
    page = open_page()

    with override_settings(STAFF_2FA_REQUIRED=True):
        type_password(page, user)
        page.get_by_role("heading", name="Sæt totrinslogin op").wait_for()
        assert page.get_by_role("img", name="QR-kode til din godkendelsesapp").is_visible()
        secret = page.locator("#secret").inner_text()
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})*", secret)
        axe(page)
        page.goto(reverse("admin:registrations_participant_changelist"))
        page.get_by_role("heading", name="Sæt totrinslogin op").wait_for()  # not the data
        type_code(page, app_code(device))

        page.get_by_role("heading", name="Dine gendannelseskoder").wait_for()
        codes = page.locator("ol.two-factor-codes code").all_inner_texts()
        assert len(codes) == 10
        axe(page)
        page.get_by_role("link", name="Jeg har gemt dem – fortsæt").click()
        page.get_by_role("link", name="Totrinslogin").click()  # the user links, by its name
        page.get_by_text("Du har 10 ubrugte gendannelseskoder.").wait_for()
        axe(page)

        page.get_by_role("button", name="Log ud").click()
        type_password(page, user)
        type_code(page, codes[0])
        page.get_by_role("link", name="Totrinslogin").wait_for()
        page.get_by_role("button", name="Log ud").click()
        type_password(page, user)
        type_code(page, codes[0])

        page.get_by_text("Koden er forkert eller udløbet.").wait_for()
        assert "/two-factor/verify/" in page.url
