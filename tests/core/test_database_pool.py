"""Several app hosts share PostgreSQL through Django's psycopg pool (DATABASE_POOL=1): a process
with more threads than pooled connections registers everyone, and each connection goes back to
the pool. PgBouncer's settings (DATABASE_PGBOUNCER=1) are checked as settings."""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import EventFactory
from tilmeld.registrations.models import Participant

ROOT = Path(__file__).resolve().parents[2]

# Runs in its own process with the production settings module: eight threads register one person
# each through a pool of at most two connections, then the pool's own figures are printed.
POOLED_REGISTRATIONS = """
import json, sys, threading
import django
django.setup()
from django.db import connection, connections
from tilmeld.events.models import Event
from tilmeld.registrations.services.booking import Booker, Person, register

event = Event.objects.get(pk=int(sys.argv[1]))
connections.close_all()
errors = []

def one(number):
    try:
        name, email = f"Deltager {number}", f"deltager{number}@example.org"
        register(event, booker=Booker(name, email), people=[Person(name, email)], language="da")
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()  # as at the end of a request: back to the pool

threads = [threading.Thread(target=one, args=(n,)) for n in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
pool = connection.pool
stats = pool.get_stats()
print(json.dumps({
    "errors": errors,
    "max_size": pool.max_size,
    "pool_size": stats["pool_size"],
    "available": stats["pool_available"],
    "conn_max_age": connection.settings_dict["CONN_MAX_AGE"],
}))
"""


def production_env(**variables) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TILMELD_"))}
    return env | {"DJANGO_SETTINGS_MODULE": "tilmeld.settings", **variables}


def run(script: str, *args: str, **variables) -> dict:
    result = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=production_env(**variables),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the psycopg pool is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_registrations_through_the_pool_all_land_and_return_their_connections(site):
    # The other process runs on the real clock, not this directory's fixed one.
    event = EventFactory(
        capacity=5,
        max_booking_size=1,
        starts_at=dt.datetime(2100, 5, 4, 9, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2100, 5, 4, 16, tzinfo=dt.UTC),
        registration_opens_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC),
    )
    database = connection.settings_dict
    address = (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST'] or '127.0.0.1'}"
        f":{database['PORT'] or 5432}/{database['NAME']}"
    )

    figures = run(
        POOLED_REGISTRATIONS,
        str(event.pk),
        DATABASE_URL=address,
        DATABASE_POOL="1",
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_POOL_MAX_SIZE="2",
    )

    assert figures["errors"] == [], figures
    assert (figures["max_size"], figures["conn_max_age"]) == (2, 0), figures
    assert 1 <= figures["pool_size"] <= 2
    assert figures["available"] == figures["pool_size"]  # every connection came back
    assert Participant.objects.filter(event=event, status="confirmed").count() == 5
    assert Participant.objects.filter(event=event, status="waiting").count() == 3


SETTINGS = """
import json, django
django.setup()
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({
    "conn_max_age": database["CONN_MAX_AGE"],
    "no_server_side_cursors": database.get("DISABLE_SERVER_SIDE_CURSORS", False),
    "options": database["OPTIONS"],
    "session_engine": settings.SESSION_ENGINE,
}))
"""


def test_pgbouncer_in_transaction_mode_gets_no_server_side_state():
    figures = run(
        SETTINGS, DATABASE_URL="postgres://tilmeld@127.0.0.1:6432/tilmeld", DATABASE_PGBOUNCER="1"
    )

    assert figures["no_server_side_cursors"] is True
    assert figures["options"] == {
        "server_side_binding": False,
        "prepare_threshold": None,
        "connect_timeout": 3,
    }


def test_the_pool_replaces_persistent_connections():
    figures = run(
        SETTINGS,
        DATABASE_URL="postgres://tilmeld@127.0.0.1:5432/tilmeld",
        DATABASE_POOL="1",
        DATABASE_POOL_MAX_SIZE="3",
    )

    assert figures["conn_max_age"] == 0
    assert figures["options"]["pool"] == {"min_size": 1, "max_size": 3, "timeout": 10.0}
    assert figures["options"]["prepare_threshold"] == 5
    assert figures["options"]["options"] == "-c statement_timeout=20s"


def test_sessions_are_in_the_shared_cache_when_redis_is_configured():
    with_redis = run(SETTINGS, REDIS_URL="redis://127.0.0.1:6379/0")
    without = run(SETTINGS)

    assert with_redis["session_engine"] == "django.contrib.sessions.backends.cached_db"
    assert without["session_engine"] == "django.contrib.sessions.backends.db"
