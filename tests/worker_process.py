"""A real `db_worker` process on the test database, for the crash tests (kill -9 mid-send)."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(log, **env: str) -> subprocess.Popen:
    """The worker with production settings on the test database, leases of 2 s (a killed
    worker's send counts as lost after them) and a sweep every half second; `env` adds to it."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TILMELD_"))}
    base |= {
        "DJANGO_SETTINGS_MODULE": "tilmeld.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "crash-test-secret-key-0123456789-0123456789-0123456789",
        "DATABASE_URL": database_url(),
        "TILMELD_MAIL_SEND_LEASE": "2",
        "TILMELD_MAIL_SWEEP_INTERVAL": "0.5",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.05", "--no-startup-delay"],
        cwd=ROOT,
        env=base | env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
