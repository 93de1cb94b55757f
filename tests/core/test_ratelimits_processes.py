"""Rate limits and the login lockout count across app processes: two gunicorn servers on one
fresh database, hit in turn, share one count. Once with the database's cache table (made by
`migrate`), once with Redis (skipped when no Redis answers at 127.0.0.1:6379; CI has one).
Each run comes from an address and logs in with a username of its own (behind one "proxy"),
so runs at the same time on one Redis never meet, and nothing there needs emptying."""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/7"  # a database number of these tests' own
CLIENT = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
USERNAME = f"karen-{secrets.token_hex(4)}"
WRONG_LINK = "/tilmelding/" + "x" * 32 + "/"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:  # no server, or no client library: the Redis case is skipped
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(tmp_path: Path, redis_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "TILMELD_", "REDIS_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "tilmeld.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "TILMELD_MEDIA_ROOT": str(tmp_path / "media"),
        "TILMELD_RATE_LINK_FAILURES": "3/10m",
        "TILMELD_LOGIN_FAILURE_LIMIT": "3",
        "TILMELD_NUM_PROXIES": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def _manage(env, *args):
    subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


@contextmanager
def _server(env, log: Path):
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "tilmeld.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def _request(port, method, path, body=None, cookies=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": "127.0.0.1", "X-Forwarded-For": CLIENT}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urlencode(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return response.status, response.read().decode(), {k: m.value for k, m in jar.items()}
    finally:
        connection.close()


def _login(port, password):
    _status, page, cookies = _request(port, "GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": USERNAME, "password": password}
    return _request(port, "POST", "/admin/login/", form, cookies)[0]


@pytest.fixture(scope="module", params=["database", "redis"])
def two_servers(request, tmp_path_factory):
    """Both tests use the same two servers: their counts have keys of their own."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    if request.param == "redis" and not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    env = _environment(tmp_path, REDIS_URL if request.param == "redis" else None)
    _manage(env, "migrate", "--noinput")  # makes the cache table when there is no Redis
    env_user = env | {"DJANGO_SUPERUSER_PASSWORD": "the-right-password-123"}
    _manage(env_user, "createsuperuser", "--noinput", "--username", USERNAME, "--email", "k@x.dk")
    with ExitStack() as stack:
        ports = [stack.enter_context(_server(env, tmp_path / f"server{n}.log")) for n in (1, 2)]
        yield ports


def test_two_processes_share_the_wrong_link_count(two_servers):
    first, second = two_servers

    answers = [_request(port, "GET", WRONG_LINK)[0] for port in (first, second) * 3]

    # 3 wrong links allowed per address, counted together by both servers.
    assert answers == [404, 404, 404, 429, 429, 429]


def test_two_processes_share_the_login_lockout(two_servers):
    first, second = two_servers

    wrong = [_login(port, "wrong") for port in (first, second, first)]
    right = [_login(port, "the-right-password-123") for port in (second, first)]

    assert wrong == [200, 200, 429]
    assert right == [429, 429]
