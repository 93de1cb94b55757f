"""The admin login locks a username at one address out after repeated wrong passwords: the
right password waits too, until the cool-off after the last attempt has passed."""

import datetime as dt
import logging

import pytest
import time_machine
from django.utils import timezone

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "secret-password"  # the factory's


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff(db):
    return StaffFactory(username="karen")


def _login(client, password, username="karen", path=LOGIN, **extra):
    return client.post(
        path, {"username": username, "password": password, "next": "/admin/"}, **extra
    )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_four_wrong_passwords_then_the_right_one_logs_in(client, staff, clock):
    answers = [_login(client, "wrong") for _ in range(4)]

    right = _login(client, PASSWORD)

    assert [a.status_code for a in answers] == [200] * 4
    assert right.status_code == 302
    assert _logged_in(client)


def test_five_wrong_then_the_right_password_is_refused_with_the_message(client, staff, clock):
    answers = [_login(client, "wrong") for _ in range(5)]

    right = _login(client, PASSWORD)

    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    page = right.content.decode()
    assert (
        '<p class="errornote">\n    For mange mislykkede login med dette brugernavn fra din '
        "adresse. Login er spærret i 15 minutter efter sidste forsøg; prøv så igen, eller bed "
        "en administrator om at nulstille din adgangskode.\n</p>"
    ) in page
    assert 'name="password"' in page  # still the login page
    assert not _logged_in(client)


def test_the_lockout_message_in_english(client, staff, clock):
    for _ in range(5):
        _login(client, "wrong", path="/en" + LOGIN)

    right = _login(client, PASSWORD, path="/en" + LOGIN)

    assert right.status_code == 429
    assert (
        "Too many failed logins for this username from your address. Logging in is blocked "
        "for 15 minutes after the last attempt; then try again, or ask an administrator to "
        "reset your password."
    ) in right.content.decode()


def test_after_the_cool_off_the_right_password_logs_in(client, staff, clock):
    for _ in range(5):
        _login(client, "wrong")
    clock.shift(dt.timedelta(minutes=14))
    assert _login(client, PASSWORD).status_code == 429  # an attempt restarts the cool-off

    clock.shift(dt.timedelta(minutes=14))
    still = _login(client, PASSWORD)
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    released = _login(client, PASSWORD)

    assert still.status_code == 429
    assert released.status_code == 302
    assert _logged_in(client)


def test_the_lockout_is_per_username_and_address(client, staff, clock):
    StaffFactory(username="ole")
    for _ in range(5):
        _login(client, "wrong")

    other_user = _login(client, PASSWORD, username="ole")
    client.logout()
    other_address = _login(client, PASSWORD, REMOTE_ADDR="10.0.0.9")

    assert other_user.status_code == 302
    assert other_address.status_code == 302


def test_failures_and_the_lockout_are_logged_without_the_password(client, staff, clock, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        for _ in range(5):
            _login(client, "hunter2-wrong")

    lines = [r.getMessage() for r in caplog.records if r.name.startswith("axes")]
    assert len(lines) == 6  # five failures, one lockout
    assert lines[-1] == (
        'AXES: Locking out {username: "karen", ip_address: "127.0.0.1", '
        'path_info: "/admin/login/"} after repeated login failures.'
    )
    assert not any("hunter2" in line for line in lines)
