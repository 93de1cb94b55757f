"""The SQL of one registration: GET the form and POST it through the whole Django stack
(middleware, CSRF, view, service), in-process, with the statements captured.

Needs Django set up against the bench database and the events made by `probe_events`."""

import re
from collections import Counter
from http.cookies import SimpleCookie

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
SEAT, WAIT = "rush-probe-seat", "rush-probe-wait"


def probe_events() -> None:
    """Two events besides the rush, so the probe takes none of its seats: one with room, one
    full from the start (capacity 0), so the POST goes to the waiting list."""
    from bench.database import open_event  # database imports this module

    for slug, capacity in ((SEAT, None), (WAIT, 0)):
        open_event(slug, f"Probe {slug}", capacity=capacity)


def kind(sql: str) -> str:
    word = sql.split(None, 1)[0].upper()
    return "BEGIN/COMMIT" if word in ("BEGIN", "COMMIT", "ROLLBACK") else word


def count() -> dict[str, Counter]:
    """Statements by kind for: the form's GET, a POST that gets a seat, one that waits."""
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
            with CaptureQueriesContext(connection) as posted:
                answer = client.post(path, data)
            if answer.status_code != 302:
                raise RuntimeError(f"probe POST to {path} answered {answer.status_code}")
        result["GET"] = Counter(kind(q["sql"]) for q in got.captured_queries)
        label = "POST seat" if slug == SEAT else "POST waiting"
        result[label] = Counter(kind(q["sql"]) for q in posted.captured_queries)
    return result


def line(counts: dict[str, Counter]) -> str:
    parts = []
    for label, kinds in counts.items():
        detail = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
        parts.append(f"{label} {sum(kinds.values())} ({detail})")
    return "  SQL statements    " + "\n                    ".join(parts)
