"""deploy/nginx/tilmeld.conf's micro-cache in front of a running Tilmeld: Debian's nginx with the
site file as shipped (only addresses and paths changed) proxies to the test's live server.
Skipped where nginx or openssl is missing; CI installs nginx."""

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.utils import translation

from tests.factories import EventFactory, SiteSettingsFactory, register_people

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
HOST = "tilmeld.example.org"

pytestmark = [
    pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed"),
    pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the certificate"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(live_server, tmp_path):
    """The port of nginx serving HTTPS for HOST in front of the live server."""
    subprocess.run(  # noqa: S603 (our own command)
        [shutil.which("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-keyout", str(tmp_path / "privkey.pem"),
         "-out", str(tmp_path / "fullchain.pem")],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    port, plain = free_port(), free_port()
    upstream = live_server.url.removeprefix("http://")
    site = (DEPLOY / "nginx" / "tilmeld.conf").read_text()
    site = re.sub(r"server 127\.0\.0\.1:8000\b", f"server {upstream}", site)
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 443 ssl", f"listen 127.0.0.1:{port} ssl")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{plain};")
    for path in ("/etc/letsencrypt/live/tilmeld.example.org", "/var/log/nginx", "/var/cache/nginx"):
        site = site.replace(path, str(tmp_path))
    site = site.replace("/opt/tilmeld", str(Path(__file__).resolve().parents[1]))
    (tmp_path / "tilmeld.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    # As root nginx's workers would run as nobody, who may not enter the test's folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"{user}pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{mime}\nclient_body_temp_path {tmp_path}/body;\nproxy_temp_path "
        f"{tmp_path}/proxy;\ninclude {tmp_path}/tilmeld.conf;\n}}\n"
    )
    server = subprocess.Popen(  # noqa: S603
        [
            shutil.which("nginx"),
            "-p",
            f"{tmp_path}/",
            "-c",
            str(tmp_path / "nginx.conf"),
            "-g",
            "daemon off;",
        ],
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def fetch(port: int, path: str, cookie: str = "") -> tuple[int, dict, str]:
    context = ssl._create_unverified_context()  # noqa: S323 (the test's own certificate)
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
    headers = {"Host": HOST, "Accept-Language": "da"} | ({"Cookie": cookie} if cookie else {})
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def event_path(event) -> str:
    with translation.override("da"):
        return event.get_absolute_url()


def test_a_public_page_is_answered_by_nginx_and_a_change_shows_within_two_seconds(nginx):
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

    event.title_da = "Årsmødet flytter"
    event.save()
    changed = time.monotonic()
    while "Årsmødet flytter" not in fetch(nginx, path)[2]:
        assert time.monotonic() - changed < 2, "the change did not show through nginx in 2 s"
        time.sleep(0.05)


def test_personal_pages_flash_messages_and_sessions_pass_nginx_by(nginx):
    SiteSettingsFactory()
    event = EventFactory()
    [anne] = register_people(event, "Anne")
    manage = anne.get_manage_url()
    path = event_path(event)
    fetch(nginx, path)  # kept for visitors

    kept = [fetch(nginx, manage)[1] for _ in range(2)]
    with_session = fetch(nginx, path, cookie="sessionid=abc")[1]
    with_message = fetch(nginx, path, cookie=f"{CookieStorage.cookie_name}=x")[1]

    assert [h["x-cache"] for h in kept] == ["MISS", "MISS"]
    assert all("no-store" in h["cache-control"] for h in kept)
    assert with_session["x-cache"] == with_message["x-cache"] == "BYPASS"
    assert "no-store" in with_session["cache-control"]
