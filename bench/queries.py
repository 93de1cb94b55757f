"""The SQL of one registration: GET the form and POST it through the whole Django stack
(middleware, CSRF, view, service), in-process, with the statements captured and the waits
for the server counted.

Needs Django set up against the bench database and the events made by `probe_events`."""

import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from http.cookies import SimpleCookie

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
SEAT, WAIT = "rush-probe-seat", "rush-probe-wait"


def probe_events() -> None:
    """Two events besides the rush, so the probe takes none of its seats: one with room, one
    full from the start (capacity 0), so the POST goes to the waiting list."""
    from bench.database import open_event  # database imports this module

    for slug, capacity in ((SEAT, None), (WAIT, 0)):
        open_event(slug, f"Probe {slug}", capacity=capacity)


class Waits:
    count = 0


@contextmanager
def waits(connection):
    """Counts the times the app waits for PostgreSQL's answer (round trips), from libpq's
    protocol trace: each turn from messages the app sent to messages the server sent is one.
    Statements sent in a pipeline share a wait."""
    from psycopg import pq

    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    result = Waits()
    with tempfile.TemporaryFile() as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
        try:
            yield result
        finally:
            pgconn.untrace()
        trace.seek(0)
        sender = ""
        for line in trace.read().decode(errors="replace").splitlines():
            result.count += sender == "F" and line.startswith("B")
            sender = line[:1] or sender


def kind(sql: str) -> str:
    word = sql.split(None, 1)[0].upper()
    return "BEGIN/COMMIT" if word in ("BEGIN", "COMMIT", "ROLLBACK") else word


def count() -> dict[str, Counter]:
    """Statements by kind for: the form's GET, a POST that gets a seat, one that waits. The
    key "waits" holds the waits for the server (PostgreSQL only)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    client = Client(enforce_csrf_checks=True, SERVER_NAME="127.0.0.1")
    result = {}
    for slug in (SEAT, WAIT):
        with translation.override("da"):
            path = reverse("registrations:register", kwargs={"slug": slug})
        for round_ in range(2):  # the second round is measured: caches are warm, as in the rush
            client.cookies = SimpleCookie()
            with CaptureQueriesContext(connection) as got:
                page = client.get(path)
            data = dict(HIDDEN.findall(page.content.decode()))
            data |= {
                "name": "Probe",
                "email": f"{slug}-{round_}@bench.example",
                "attending": "on",
                "consent": "on",
            }
            # As at the start of a real request (the test client skips it): the connection's
            # health is checked again before its first query.
            connection.close_if_unusable_or_obsolete()
            with CaptureQueriesContext(connection) as posted, waits(connection) as waited:
                answer = client.post(path, data)
            if answer.status_code != 302:
                raise RuntimeError(f"probe POST to {path} answered {answer.status_code}")
        result["GET"] = Counter(kind(q["sql"]) for q in got.captured_queries)
        label = "POST seat" if slug == SEAT else "POST waiting"
        result[label] = Counter(kind(q["sql"]) for q in posted.captured_queries)
        result[label]["waits"] = waited.count
    return result


def line(counts: dict[str, Counter]) -> str:
    parts = []
    for label, kinds in counts.items():
        kinds = kinds.copy()
        waited = kinds.pop("waits", None)
        detail = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        line = f"{label} {sum(kinds.values())} ({detail})"
        if waited is not None:
            line += f" in {waited} waits for the server"
        parts.append(line)
    return "  SQL statements    " + "\n                    ".join(parts)
