"""`make bench-staff`: the staff pages of one big event, on PostgreSQL, in-process through
Django's test client logged in as a superuser, with the production settings (DEBUG off).

    python -m bench.staff --participants 50000 [--runs 7] [--explain] [--keep-db | --reuse-db]

Prints for the admin participant list (with and without a search), the event dashboard, the
check-in search and the CSV export of every row: median and p95 time over several runs, the
SQL statements of one request, and the issue's target met or not; for the export also the peak
of Python memory (tracemalloc) while the file is read piece by piece and thrown away. With
`--explain`, the plan (EXPLAIN ANALYZE) of each page's slowest statements.

The participants are bulk-inserted (not through the registration service): the pages only
read them, and 50,000 registrations through the service would take most of the run."""

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from pathlib import Path

from bench import database
from bench.environment import production_over_http
from bench.rush import percentile

BATCH = 5000
QUESTIONS = [
    ("Kost", "multiple", "Vegetar\nVegansk\nGlutenfri\nLaktosefri"),
    ("Deltager du i middagen?", "yes_no", ""),
    ("Tilgængelighed", "text", ""),
]
FIRST = ["Anne", "Mette", "Lars", "Søren", "Hanne", "Jens", "Camilla", "Peter", "Louise",
         "Niels", "Sofie", "Henrik", "Ida", "Rasmus", "Birgitte", "Mads", "Karen", "Thomas",
         "Åse", "Ærling"]  # fmt: skip
LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen",
        "Sørensen", "Rasmussen", "Jørgensen", "Madsen", "Kristensen", "Olsen", "Thomsen",
        "Poulsen", "Østergaard", "Bak", "Kjær", "Lund", "Holm", "Dahl", "Vestergaard", "Skov",
        "Friis", "Berg"]  # fmt: skip
SEARCH = "Jørgensen"  # one surname in 25: about 2,000 of 50,000 match
CHECKIN_SEARCH = "mette jørg"  # what a door volunteer types: two beginnings, any case
# The targets, in ms (the export in seconds, with memory that does not grow).
TARGETS = {"list": 300, "list_search": 300, "dashboard": 300, "checkin": 100, "export": 4000}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=7, help="timed requests per page")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tilmeld_bench_staff"
        ),
        help="dropped and created again; the database name must contain 'bench'",
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the slow SQL")
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="measure the database a run with --keep-db left (migrated again, not refilled);"
        " create and fill it only if it is missing; implies --keep-db",
    )
    return parser.parse_args(argv)


def setup(args, static_root: Path) -> None:
    os.environ.update(
        production_over_http(
            TILMELD_BENCH_STATIC_ROOT=str(static_root),
            DATABASE_URL=args.database_url,
            TILMELD_STAFF_2FA_REQUIRED="0",
        )
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


# --- the data -----------------------------------------------------------------------------


def make_event(size: int, slug: str = "landsmoede"):
    """An event with `size` participants in bookings of five, registered over 60 days: nine in
    ten confirmed, the rest waiting, cancelled or handed over; three answers each, one of two
    parallel workshops each, a third of the confirmed checked in."""
    from django.db import connection
    from django.utils import timezone

    from tilmeld.events.models import Event
    from tilmeld.registrations.models import (
        Answer,
        Booking,
        CheckIn,
        Participant,
        Question,
        SeatCount,
        SessionChoice,
        SessionSeats,
    )

    now = timezone.now()
    event = Event.objects.create(
        title=f"Bibliotekernes {slug}",
        slug=slug,
        starts_at=now + dt.timedelta(days=10),
        ends_at=now + dt.timedelta(days=10, hours=7),
        is_published=True,
        published_at=now - dt.timedelta(days=70),
        registration_opens_at=now - dt.timedelta(days=60),
        capacity=size,
        waiting_list_enabled=True,
    )
    questions = [
        Question.objects.create(
            event=event, text_da=text, kind=kind, choices_da=choices, position=n
        )
        for n, (text, kind, choices) in enumerate(QUESTIONS)
    ]
    starts = event.starts_at.replace(minute=0, second=0, microsecond=0)
    sessions = database.two_workshops(event, capacity=size, starts=starts)
    diets = ["Vegetar"], ["Vegansk"], ["Glutenfri", "Laktosefri"], []

    def status(n: int) -> str:
        return {0: "waiting", 1: "cancelled", 2: "substituted"}.get(n % 40, "confirmed")

    for start in range(0, size, BATCH):
        numbers = range(start, min(start + BATCH, size))
        bookings = Booking.objects.bulk_create(
            Booking(event=event, booker_name=f"Booker {n}", booker_email=f"b{n}@{slug}.example")
            for n in numbers[::5]
        )
        people = Participant.objects.bulk_create(
            Participant(
                booking=bookings[(n - start) // 5],
                event=event,
                name=f"{FIRST[n % len(FIRST)]} {LAST[n // 7 % len(LAST)]} {n}",
                email=f"p{n}@{slug}.example",
                organisation=f"Bibliotek {n % 397}",
                job_title="Bibliotekar",
                phone="12345678",
                status=status(n),
                waiting_position=n if status(n) == "waiting" else None,
            )
            for n in numbers
        )
        Answer.objects.bulk_create(
            Answer(participant=p, question=q, value=value)
            for n, p in zip(numbers, people, strict=True)
            for q, value in zip(questions, (diets[n % 4], n % 3 != 0, "Ingen"), strict=True)
            if value != []
        )
        SessionChoice.objects.bulk_create(
            SessionChoice(participant=p, session=sessions[p.pk % 2], holds_seat=True)
            for p in people
        )
        CheckIn.objects.bulk_create(
            CheckIn(participant=p) for p in people if p.status == "confirmed" and p.pk % 3 == 0
        )
    # created_at is auto_now_add: bulk_create set it to now; spread it over the 60 days.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE registrations_participant SET created_at = %s + (id - %s) * %s"
            " WHERE event_id = %s",
            [
                now - dt.timedelta(days=60),
                Participant.objects.filter(event=event).order_by("id").values("id")[:1][0]["id"],
                dt.timedelta(days=59) / size,
                event.pk,
            ],
        )
        # As autovacuum would: the planner knows the new rows, and index-only scans work.
        cursor.execute("VACUUM ANALYZE")
    # The running totals the registration service would have kept.
    people = Participant.objects.filter(event=event)
    SeatCount.objects.create(
        event=event,
        confirmed=people.filter(status="confirmed").count(),
        waiting=people.filter(status="waiting").count(),
        waiting_sequence=size,
    )
    for session in sessions:
        SessionSeats.objects.create(
            session=session, taken=SessionChoice.objects.filter(session=session).count()
        )
    return event, questions


def reused(size: int):
    """The big event, its questions and the superuser of a database filled by an earlier run."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from tilmeld.events.models import Event
    from tilmeld.registrations.models import Question

    event = Event.objects.get(slug="landsmoede")
    found = event.participants.count()
    if found != size:
        raise SystemExit(f"the kept database has {found} participants, not {size}: drop it")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # new indexes a migration may have added: as autovacuum
    print(f"{size} participants reused")
    questions = list(Question.objects.filter(event=event).order_by("position"))
    return event, questions, get_user_model().objects.get(username="bench")


# --- measuring ----------------------------------------------------------------------------


class Statements:
    """Every statement of a request, with its parameters and time (connection.execute_wrapper)."""

    def __init__(self):
        self.seen = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seen.append((sql, params, (time.perf_counter() - started) * 1000))


@contextmanager
def statements():
    from django.db import connection

    recorder = Statements()
    with connection.execute_wrapper(recorder):
        yield recorder


def consume(response) -> int:
    assert response.status_code == 200, (response.status_code, response.content[:500])
    if response.streaming:
        size = sum(len(piece) for piece in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return size


def measure(client, url: str, data: dict, runs: int) -> dict:
    consume(client.get(url, data))  # warm: templates loaded, connection open, plans cached
    with statements() as got:
        size = consume(client.get(url, data))
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        consume(client.get(url, data))
        times.append((time.perf_counter() - started) * 1000)
    return {"times": times, "statements": got.seen, "bytes": size}


def peak_memory(client, url: str, data: dict) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        consume(client.get(url, data))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def explain(recorded, top: int = 3) -> None:
    from django.db import connection

    slowest = sorted(
        (s for s in recorded if s[0].lstrip().upper().startswith("SELECT")), key=lambda s: -s[2]
    )[:top]
    for sql, params, ms in slowest:
        print(f"\n    -- {ms:.1f} ms in the request\n    {sql}\n    params {params!r}")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            for (line,) in cursor.fetchall():
                print(f"      {line}")


def pages(event, questions) -> list[tuple[str, str, str, dict]]:
    """(key, label, url, query) for each page measured."""
    from django.urls import reverse

    changelist = reverse("admin:registrations_participant_changelist")
    export = {
        "format": "csv",
        "which": "all",
        "columns": ["name", "email", "organisation", "job_title", "phone", "status",
                    "waiting_position", "created_at", "booker"],
        "questions": [q.pk for q in questions],
        "sessions": "slots",
    }  # fmt: skip
    return [
        ("list", "admin participant list", changelist, {"event__id__exact": event.pk}),
        (
            "list_search",
            f"… searching {SEARCH!r}",
            changelist,
            {"event__id__exact": event.pk, "q": SEARCH},
        ),
        ("dashboard", "event dashboard", reverse("staff:dashboard", args=[event.pk]), {}),
        (
            "checkin",
            f"check-in search {CHECKIN_SEARCH!r}",
            reverse("staff:checkin", args=[event.pk]),
            {"q": CHECKIN_SEARCH},
        ),
        ("export", "CSV export, all rows", reverse("staff:export", args=[event.pk]), export),
    ]


def main(argv=None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-staff-"))
    created = False
    try:
        print(f"preparing {args.database_url.rsplit('/', 1)[-1]} …", flush=True)
        reuse = args.reuse_db and database.exists(args.database_url)
        if not reuse:
            database.recreate(args.database_url)
        created = True
        setup(args, workdir / "static")
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        if reuse:
            event, questions, user = reused(args.participants)
        else:
            started = time.perf_counter()
            make_event(40, "seminar")  # a second event: the admin's event filter has a choice
            event, questions = make_event(args.participants)
            print(
                f"{args.participants} participants inserted in"
                f" {time.perf_counter() - started:.1f} s"
            )
            user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x")
        print(f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}")
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(user)
        print(
            f"\n{'page':<38} {'median':>8} {'p95':>8} {'SQL':>4}  target\n"
            f"{'':<38} {'ms':>8} {'ms':>8}"
        )
        all_met = True
        for key, label, url, data in pages(event, questions):
            runs = max(2, args.runs // 2) if key == "export" else args.runs
            result = measure(client, url, data, runs)
            median = statistics.median(result["times"])
            p95 = percentile(result["times"], 95)
            limit = TARGETS[key]
            met = median < limit
            extra = ""
            if key == "export":
                peak = peak_memory(client, url, data)
                extra = f", {result['bytes'] / 1e6:.1f} MB file, Python peak {peak / 1e6:.1f} MB"
                print(
                    f"{label:<38} {median:>8.0f} {p95:>8.0f} {len(result['statements']):>4}"
                    f"  < {limit / 1000:.0f} s: {'met' if met else 'NOT MET'}{extra}"
                )
            else:
                print(
                    f"{label:<38} {median:>8.0f} {p95:>8.0f} {len(result['statements']):>4}"
                    f"  < {limit} ms: {'met' if met else 'NOT MET'}"
                )
            all_met &= met
            if args.explain:
                explain(result["statements"])
                print()
        print(
            f"\nall targets {'met' if all_met else 'NOT met'} (medians; a shared machine is noisy)"
        )
        return 0
    finally:
        if created and not (args.keep_db or args.reuse_db):
            database.drop(args.database_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
