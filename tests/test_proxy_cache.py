"""deploy/nginx/tilmeld.conf's micro-cache in front of a running Tilmeld: Debian's nginx with the
site file as shipped (bench/nginx.py changes only addresses and paths, and serves plain HTTP)
proxies to the test's live server. Skipped where nginx is missing; CI installs it."""

import http.client
import time
from pathlib import Path

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse
from django.utils import translation

from bench.nginx import program, running
from tests.factories import EventFactory, SiteSettingsFactory, register_people

HOST = "tilmeld.example.org"

pytestmark = [
    pytest.mark.skipif(not program(), reason="nginx is not installed"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def nginx(live_server, tmp_path, settings):
    """The port of nginx, with the site file's locations and cache, in front of the live server."""
    upstream = live_server.url.removeprefix("http://")
    with running([upstream], prefix=tmp_path, static_root=Path(settings.STATIC_ROOT)) as web:
        yield web.port


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, dict, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Host": HOST, "Accept-Language": "da"} | ({"Cookie": cookie} if cookie else {})
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def event_path(event) -> str:
    with translation.override("da"):
        return event.get_absolute_url()


def test_a_public_page_is_answered_by_nginx_and_a_change_shows_within_a_second(nginx, settings):
    SiteSettingsFactory()
    event = EventFactory(registration_opens_at=None, title_da="Årsmødet")
    path = event_path(event)

    status, first, body = fetch(nginx, path)
    _status, second, again = fetch(nginx, path)

    assert status == 200, body
    assert "Årsmødet" in body
    assert (first["x-cache"], second["x-cache"]) == ("MISS", "HIT")
    assert again == body
    assert "s-maxage=1" in second["cache-control"]
    assert "x-accel-expires" not in second  # nginx's own, not passed on

    event.title_da = "Årsmødet flytter"
    event.save()
    changed = time.monotonic()
    # nginx keeps the old page up to TILMELD_PROXY_CACHE_SECONDS (1); the rest is the margin a
    # loaded test machine needs to render the page anew.
    limit = settings.TILMELD_PROXY_CACHE_SECONDS + 2
    while "Årsmødet flytter" not in fetch(nginx, path)[2]:
        assert time.monotonic() - changed < limit, "the change did not show through nginx"
        time.sleep(0.05)


def test_personal_pages_flash_messages_and_sessions_pass_nginx_by(nginx):
    SiteSettingsFactory()
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    manage = anne.get_manage_url()
    path = event_path(event)
    fetch(nginx, path)  # kept for visitors

    kept = [fetch(nginx, manage)[1] for _ in range(2)]
    with translation.override("da"):
        form = reverse("registrations:register", kwargs={"slug": event.slug})
    forms = [fetch(nginx, form) for _ in range(2)]
    with_session = fetch(nginx, path, cookie="sessionid=abc")[1]
    with_message = fetch(nginx, path, cookie=f"{CookieStorage.cookie_name}=x")[1]

    assert [h["x-cache"] for h in kept] == ["MISS", "MISS"]
    assert [f[1]["x-cache"] for f in forms] == ["MISS", "MISS"]  # a CSRF token of its own
    assert forms[0][2] != forms[1][2]
    assert all("no-store" in h["cache-control"] for h in kept)
    assert with_session["x-cache"] == with_message["x-cache"] == "BYPASS"
    assert "no-store" in with_session["cache-control"]
