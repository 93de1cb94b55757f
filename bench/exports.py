"""The participant export at scale: time and peak Python memory for CSV and XLSX through the
test client, at several list sizes, so one can see that memory stays flat while time grows.

    python -m bench.exports                      # 5,000 and 50,000 participants, SQLite in memory
    python -m bench.exports --sizes 1000 50000 --database-url postgres://postgres@127.0.0.1/x

The data is bulk-inserted (not through the registration service): the export only reads it, and
50,000 registrations through the service would take most of the run. Memory is tracemalloc's
peak of Python allocations during one request, response consumed piece by piece and thrown
away; time comes from a separate run without tracing, which slows Python down."""

import argparse
import os
import sys
import time
import tracemalloc

from bench import database

QUESTIONS = 2
WAITING_SHARE = 10  # every tenth participant is on the waiting list


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument(
        "--database-url",
        default="sqlite://:memory:",
        help="a test database named test_<name> is created next to it and dropped afterwards",
    )
    return parser.parse_args(argv)


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, old_name


def make_event(size: int):
    """An event with `size` participants in bookings of ten, two answers each and one choice of
    two parallel sessions."""

    from django.db import connection
    from django.utils import timezone

    from tests.factories import EventFactory
    from tilmeld.registrations.models import (
        Answer,
        Booking,
        Participant,
        Question,
        SessionChoice,
    )

    event = EventFactory(capacity=None)
    questions = [
        Question.objects.create(event=event, text="Kost", kind="text", sensitive=True),
        Question.objects.create(
            event=event, text="Emner", kind="multiple", choices="Data\nLæring", position=1
        ),
    ][:QUESTIONS]
    starts = event.starts_at.replace(hour=10, minute=0)
    sessions = database.two_workshops(event, capacity=size, starts=starts)
    batch = 2000
    for start in range(0, size, batch):
        count = min(batch, size - start)
        bookings = Booking.objects.bulk_create(
            Booking(event=event, booker_name=f"Booker {n}", booker_email=f"b{n}@example.org")
            for n in range(start, start + count, 10)
        )
        people = Participant.objects.bulk_create(
            Participant(
                booking=bookings[(n - start) // 10],
                event=event,
                name=f"Deltager {n} Efternavn",
                email=f"p{n}@example.org",
                organisation=f"Bibliotek {n % 97}",
                job_title="Bibliotekar",
                phone="12345678",
                status="waiting" if n % WAITING_SHARE == 0 else "confirmed",
                waiting_position=n if n % WAITING_SHARE == 0 else None,
                created_at=timezone.now(),
            )
            for n in range(start, start + count)
        )
        Answer.objects.bulk_create(
            Answer(participant=p, question=q, value="Vegetar" if q.kind == "text" else ["Data"])
            for p in people
            for q in questions
        )
        SessionChoice.objects.bulk_create(
            SessionChoice(participant=p, session=sessions[p.pk % 2], holds_seat=True)
            for p in people
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, so the planner knows the new rows
    return event, questions


def export_once(client, url: str, data: dict) -> int:
    response = client.get(url, data)
    assert response.status_code == 200, response.status_code
    size = 0
    for piece in response.streaming_content:  # read and dropped, as a server sends it on
        size += len(piece)
    response.close()
    return size


def measure(client, event, questions, file_format: str) -> dict:
    from django.urls import reverse

    url = reverse("staff:export", kwargs={"event_id": event.pk})
    data = {
        "format": file_format,
        "which": "all",
        "columns": ["name", "email", "organisation", "job_title", "phone", "status",
                    "waiting_position", "created_at", "booker"],
        "questions": [q.pk for q in questions],
        "sessions": "slots",
    }  # fmt: skip
    started = time.perf_counter()
    size = export_once(client, url, data)
    seconds = time.perf_counter() - started
    tracemalloc.start()
    tracemalloc.reset_peak()
    export_once(client, url, data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "bytes": size, "peak": peak}


def measure_in_memory(event) -> dict:
    """For comparison: the admin action's way, every row and its sessions in memory at once."""
    from tilmeld.registrations.exports import participants_csv
    from tilmeld.registrations.models import Participant

    rows = Participant.objects.filter(event=event).prefetch_related("session_choices__session")
    started = time.perf_counter()
    size = len(participants_csv(rows.all()))
    seconds = time.perf_counter() - started
    tracemalloc.start()
    tracemalloc.reset_peak()
    participants_csv(rows.all())
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "bytes": size, "peak": peak}


def main(argv=None):
    args = parse_args(argv)
    connection, old_name = setup_django(args.database_url)
    from django.test import Client

    from tests.factories import SiteSettingsFactory, StaffFactory

    try:
        SiteSettingsFactory()
        client = Client()
        client.force_login(StaffFactory())
        print(f"database: {connection.vendor}")
        print(f"{'participants':>12} {'format':<22} {'seconds':>8} {'file MB':>8} {'peak MB':>8}")
        for size in args.sizes:
            started = time.perf_counter()
            event, questions = make_event(size)
            print(f"{size:>12} {'(data inserted)':<22} {time.perf_counter() - started:>8.1f}")
            results = {
                "CSV, streamed": measure(client, event, questions, "csv"),
                "XLSX, temporary file": measure(client, event, questions, "xlsx"),
                "CSV in memory (admin)": measure_in_memory(event),
            }
            for name, result in results.items():
                print(
                    f"{size:>12} {name:<22} {result['seconds']:>8.2f} "
                    f"{result['bytes'] / 1e6:>8.2f} {result['peak'] / 1e6:>8.2f}"
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
