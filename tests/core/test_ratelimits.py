"""The rate-limit owner itself: its settings are checked at start, and the client address it
counts cannot be chosen by the client."""

import pytest
import time_machine
from django.utils import timezone

from tilmeld.core.ratelimits import check_rates

pytestmark = pytest.mark.django_db


def _wrong_link(n: int) -> str:
    return f"/tilmelding/{str(n).zfill(32)}/"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_a_rate_that_cannot_be_read_fails_the_system_check(settings):
    settings.TILMELD_RATE_LINK_FAILURES = "twenty a minute"

    [error] = check_rates()

    assert error.id == "tilmeld.E101"
    assert error.msg == (
        "TILMELD_RATE_LINK_FAILURES='twenty a minute' is not a rate such as '20/10m'."
    )


def test_a_forged_forwarded_for_does_not_change_the_address(client, site, settings):
    settings.TILMELD_RATE_LINK_FAILURES = "2/10m"

    answers = [
        client.get(_wrong_link(n), HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert answers == [404, 404, 429]


def test_behind_one_proxy_the_proxys_client_counts(client, site, settings):
    settings.TILMELD_NUM_PROXIES = 1
    settings.TILMELD_RATE_LINK_FAILURES = "2/10m"

    answers = [
        client.get(_wrong_link(n), HTTP_X_FORWARDED_FOR=f"1.2.3.4, 203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert answers == [404, 404, 404]  # three clients as the proxy saw them
