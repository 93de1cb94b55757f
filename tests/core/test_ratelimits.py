"""The rate-limit owner itself: its settings are checked at start, and the client address it
counts cannot be chosen by the client."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
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


def test_the_database_table_keeps_a_count_for_its_whole_window(client, site, settings):
    """Without Redis the counts live in a database table, whose incr() stores each count anew:
    the count must still last the whole window, not the cache's default five minutes."""
    settings.CACHES = settings.CACHES | {
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "tilmeld_ratelimit_cache",
            "TIMEOUT": 86_400,  # as tilmeld/settings.py
        }
    }
    call_command("createcachetable", "tilmeld_ratelimit_cache", verbosity=0)
    settings.TILMELD_RATE_LINK_FAILURES = "3/1h"
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC), tick=False) as clock:
        answers = [client.get(_wrong_link(1)).status_code, client.get(_wrong_link(2)).status_code]
        clock.shift(dt.timedelta(minutes=6))
        answers += [client.get(_wrong_link(n)).status_code for n in (3, 4, 5)]

    assert answers == [404, 404, 404, 429, 429]
