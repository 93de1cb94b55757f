"""A database server that accepts connections and then says nothing (hung, or a half-dead
network) must not hold every page for gunicorn's whole timeout: /healthz answers 503 quickly."""

import json
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def silent_database():
    """A real listening socket on 127.0.0.1: the kernel accepts the connection, nobody answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield server.getsockname()[1]


def _healthz_in_production_settings(**environ) -> tuple[subprocess.CompletedProcess, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tilmeld.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "1",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        **environ,
    }
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.test import Client; "
            "response = Client().get('/healthz'); "
            "print(response.status_code, response.content.decode())",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard: without a connect timeout this never ends
        check=False,
    )
    return result, time.monotonic() - started


def test_healthz_answers_503_soon_when_the_database_accepts_but_never_answers():
    with silent_database() as port:
        result, seconds = _healthz_in_production_settings(
            DATABASE_URL=f"postgres://tilmeld@127.0.0.1:{port}/tilmeld"
        )

    assert result.returncode == 0, result.stderr
    assert result.stdout == '503 {"status": "unavailable", "database": false}\n'
    assert seconds < 10  # the default connect timeout is 3 s


def test_database_connect_timeout_is_configurable():
    with silent_database() as port:
        result, seconds = _healthz_in_production_settings(
            DATABASE_URL=f"postgres://tilmeld@127.0.0.1:{port}/tilmeld",
            DATABASE_CONNECT_TIMEOUT="6",
        )

    assert result.stdout.startswith("503 ")
    assert 5 < seconds < 15


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connect timeout")
@pytest.mark.django_db(transaction=True)
def test_healthz_on_the_test_database_settings_gives_up_on_a_silent_server(client):
    saved = dict(connection.settings_dict)
    connection.close()
    try:
        with silent_database() as port:
            connection.settings_dict.update(HOST="127.0.0.1", PORT=str(port))
            started = time.monotonic()
            response = client.get("/healthz")
            seconds = time.monotonic() - started
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": False}
    assert seconds < 10
