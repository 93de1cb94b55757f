import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.helpers import app_code, give_authenticator, wrong_code
from tests.core.pages import content
from tests.factories import EventFactory, StaffFactory, register_people
from tilmeld.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

PARTICIPANTS = "admin:registrations_participant_changelist"


def log_in(client, user):
    """The password step, as the admin's login form does it."""
    response = client.post(
        reverse("admin:login"), {"username": user.username, "password": "secret-password"}
    )
    assert response.status_code == 302
    return response


def verify_url(next_url: str) -> str:
    return f"{reverse('accounts:verify')}?{urlencode({'next': next_url})}"


def errors(response) -> list[str]:
    return re.findall(r'<ul class="errorlist"[^>]*><li>(.*?)</li>', content(response))


def test_after_the_password_the_admin_asks_for_the_code_then_opens(client):
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    log_in(client, user)

    index = client.get(reverse("admin:index"))
    assert index["Location"] == verify_url(reverse("admin:index"))
    participants = client.get(reverse(PARTICIPANTS))
    assert participants["Location"] == verify_url(reverse(PARTICIPANTS))

    response = client.post(
        reverse("accounts:verify"), {"code": app_code(device), "next": reverse(PARTICIPANTS)}
    )

    assert response["Location"] == reverse(PARTICIPANTS)
    assert client.get(reverse(PARTICIPANTS)).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client):
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    log_in(client, user)

    response = client.post(reverse("accounts:verify"), {"code": wrong_code(device)})

    assert response.status_code == 200
    assert errors(response) == [
        "Koden er forkert eller udløbet. Skriv de seks cifre, som din app viser nu."
    ]
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:verify"))


def test_right_after_a_wrong_code_the_next_try_must_wait(client):
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    log_in(client, user)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(reverse("accounts:verify"), {"code": wrong_code(device)})

        too_soon = client.post(reverse("accounts:verify"), {"code": app_code(device)})
        clock.shift(1)
        in_time = client.post(reverse("accounts:verify"), {"code": app_code(device)})

    assert errors(too_soon) == ["For mange forkerte koder. Vent 1 sekund, og prøv igen."]
    assert in_time["Location"] == reverse("admin:index")


def test_a_code_of_letters_or_nothing_is_refused_without_an_error_page(client):
    user = StaffFactory()
    give_authenticator(user)
    log_in(client, user)

    letters = client.post(reverse("accounts:verify"), {"code": "<script>"})
    empty = client.post(reverse("accounts:verify"), {"code": ""})

    assert letters.status_code == empty.status_code == 200
    assert "<script>" not in content(letters)
    assert 'name="code" value=' not in content(letters)  # emptied for the next try
    assert errors(empty) == ["Dette felt er påkrævet."]


def test_a_recovery_code_logs_in_once(client):
    user = StaffFactory()
    _device, codes = give_authenticator(user)
    log_in(client, user)

    first = client.post(reverse("accounts:verify"), {"code": codes[3].upper()})
    assert first["Location"] == reverse("admin:index")
    client.post(reverse("admin:logout"))
    log_in(client, user)
    again = client.post(reverse("accounts:verify"), {"code": codes[3]})

    assert errors(again) == [
        "Koden er forkert eller udløbet. Skriv de seks cifre, som din app viser nu."
    ]
    assert StaticToken.objects.filter(device__user=user).count() == 9


def test_next_leading_off_the_site_is_not_followed(client):
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    log_in(client, user)

    response = client.post(
        reverse("accounts:verify"), {"code": app_code(device), "next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("admin:index")


def test_with_the_setting_off_staff_without_a_device_go_straight_in(client):
    log_in(client, StaffFactory())

    assert client.get(reverse("admin:index")).status_code == 200


def test_when_required_staff_are_sent_to_set_up_before_any_participant_data(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    event = EventFactory()
    register_people(event, "Anne Hansen")
    user = StaffFactory()
    log_in(client, user)

    for url in (
        reverse(PARTICIPANTS),
        reverse("staff:export", kwargs={"event_id": event.pk}) + "?format=csv&which=all",
        reverse("staff:message", kwargs={"event_id": event.pk}),
        reverse("accounts:security"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == (f"{reverse('accounts:setup')}?{urlencode({'next': url})}")
    assert AuditEntry.objects.count() == 0

    page = client.get(reverse("accounts:setup"), {"next": reverse(PARTICIPANTS)})
    text = content(page)
    assert "Din konto kan se deltagernes personoplysninger" in text
    assert "<svg" in text and "<title>QR-kode til din godkendelsesapp</title>" in text
    assert "Anne Hansen" not in text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code class="two-factor-secret" id="secret">([A-Z2-7 ]+)</code>', text)
    assert secret.group(1).replace(" ", "") == _base32(device)

    done = client.post(
        reverse("accounts:setup"), {"code": app_code(device), "next": reverse(PARTICIPANTS)}
    )

    assert done["Location"] == (
        f"{reverse('accounts:recovery_codes')}?{urlencode({'next': reverse(PARTICIPANTS)})}"
    )
    shown = content(client.get(done["Location"]))
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", shown)
    assert sorted(codes) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert len(codes) == 10
    assert f'href="{reverse(PARTICIPANTS)}"' in shown
    assert client.get(reverse("accounts:recovery_codes"))["Location"] == reverse(
        "accounts:security"
    )  # shown once
    assert client.get(reverse(PARTICIPANTS)).status_code == 200


def _base32(device) -> str:
    from base64 import b32encode

    return b32encode(device.bin_key).decode()


def test_a_wrong_code_at_setup_keeps_the_secret_and_turns_nothing_on(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    user = StaffFactory()
    log_in(client, user)
    client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user=user)

    response = client.post(reverse("accounts:setup"), {"code": wrong_code(device)})

    assert errors(response) == [
        "Koden er forkert eller udløbet. Skriv de seks cifre, som din app viser nu."
    ]
    assert TOTPDevice.objects.filter(user=user).values_list("pk", "confirmed").get() == (
        device.pk,
        False,
    )
    assert not StaticDevice.objects.filter(user=user).exists()


def test_staff_who_cannot_see_participants_are_not_made_to_set_up(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    log_in(client, StaffFactory(is_superuser=False))

    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_set_up_voluntarily_from_the_user_links(client):
    user = StaffFactory()
    log_in(client, user)

    index = content(client.get(reverse("admin:index")))
    assert f'<a href="{reverse("accounts:security")}">Totrinslogin</a>' in index
    page = content(client.get(reverse("accounts:security")))
    assert "Totrinslogin er slået fra." in page
    client.get(reverse("accounts:setup"))
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:setup"), {"code": app_code(device)})

    page = content(client.get(reverse("accounts:security")))
    assert "Totrinslogin er slået til" in page
    assert "Du har 10 ubrugte gendannelseskoder." in page


def test_new_recovery_codes_replace_the_old(client):
    user = StaffFactory()
    device, old = give_authenticator(user)
    log_in(client, user)
    client.post(reverse("accounts:verify"), {"code": app_code(device)})

    response = client.post(reverse("accounts:recovery_codes"))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", content(client.get(response.url)))

    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert stored == set(new)
    assert not stored & set(old)


def test_removing_the_last_app_needs_the_password_and_takes_the_codes_along(client):
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    log_in(client, user)
    client.post(reverse("accounts:verify"), {"code": app_code(device)})
    url = reverse("accounts:remove_device", kwargs={"device_id": device.pk})

    wrong = client.post(url, {"password": "not-it"})
    assert errors(wrong) == ["Adgangskoden er forkert."]
    assert TOTPDevice.objects.filter(user=user).exists()

    right = client.post(url, {"password": "secret-password"})

    assert right["Location"] == reverse("accounts:security")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_another_users_device_cannot_be_removed(client):
    other = StaffFactory()
    device, _codes = give_authenticator(other)
    log_in(client, StaffFactory())

    response = client.post(
        reverse("accounts:remove_device", kwargs={"device_id": device.pk}),
        {"password": "secret-password"},
    )

    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=other).exists()


def test_a_user_who_owes_the_code_cannot_change_devices(client):
    user = StaffFactory()
    device, codes = give_authenticator(user)
    log_in(client, user)

    for url in (reverse("accounts:setup"), reverse("accounts:recovery_codes")):
        assert client.post(url)["Location"].startswith(reverse("accounts:verify"))
    remove = reverse("accounts:remove_device", kwargs={"device_id": device.pk})
    assert client.post(remove, {"password": "secret-password"}).status_code == 302

    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(codes)


def test_a_superuser_removes_a_lost_app_and_its_owner_can_set_up_again(client):
    owner = StaffFactory(username="bo")
    device, _codes = give_authenticator(owner)
    admin_user = StaffFactory()
    give_authenticator(admin_user)
    client.force_login(admin_user)
    client.post(
        reverse("accounts:verify"),
        {"code": app_code(TOTPDevice.objects.get(user=admin_user))},
    )

    listed = content(client.get(reverse("admin:accounts_authenticatorapp_changelist")))
    client.post(
        reverse("admin:accounts_authenticatorapp_delete", args=[device.pk]), {"post": "yes"}
    )

    assert "bo" in listed and "Godkendelsesapps" in listed
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not StaticDevice.objects.filter(user=owner).exists()
    assert TOTPDevice.objects.filter(user=admin_user).exists()


def test_staff_who_are_not_superusers_do_not_see_others_apps(client):
    give_authenticator(StaffFactory(username="bo"))
    log_in(client, StaffFactory(is_superuser=False, username="kim"))

    response = client.get(reverse("admin:accounts_authenticatorapp_changelist"))

    assert response.status_code == 403


def test_a_session_older_than_a_device_set_up_elsewhere_asks_for_its_code(client, settings):
    settings.STAFF_2FA_REQUIRED = True
    user = StaffFactory()
    log_in(client, user)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("accounts:setup"))
    give_authenticator(user)  # in another browser

    response = client.get(reverse("accounts:setup"))

    assert response["Location"] == verify_url(reverse("accounts:setup"))
    assert client.get(response["Location"]).status_code == 200


def test_the_code_page_speaks_english_at_the_english_admin(client):
    user = StaffFactory()
    device, _codes = give_authenticator(user)
    log_in(client, user)

    with translation.override("en"):
        verify = reverse("accounts:verify")
    response = client.post(verify, {"code": wrong_code(device)})

    assert verify == "/en/admin/two-factor/verify/"
    assert errors(response) == [
        "The code is wrong or has expired. Type the six digits your app shows now."
    ]
    assert "<h1>Two-factor login</h1>" in content(response)
