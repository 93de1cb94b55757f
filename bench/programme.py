"""What the programme costs: building its PDF, serving the stored PDF, and the event page.

One event with 40 sessions over two days (talks, panels, breaks, meals and a slot of three
parallel workshops) and 8 speakers with bios, in a throwaway database: a temporary SQLite file,
or, when DATABASE_URL is set, a fresh database next to that one (its name + "_bench_programme"),
dropped afterwards. Production settings (DEBUG off, collected static files); requests go through
the Django test client in this process, so the numbers are the app's own, without a web server.

    python -m bench.programme [--generations 5] [--requests 50]
"""

import argparse
import datetime as dt
import io
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.environment import production_over_http

SLUG = "bench-programme"
SPEAKERS = [
    ("Anna Jensen", "Direktør", "Danmarks Biblioteksforening"),
    ("Bo Nielsen", "Bibliotekar", "Tårnby Bibliotek"),
    ("Cecilie Østergaard", "Kulturchef", "Aarhus Kommune"),
    ("Dorte Madsen", "Forsker", "Københavns Universitet"),
    ("Erik Sørensen", "Konsulent", "Slots- og Kulturstyrelsen"),
    ("Frederikke Holm", "Formidler", "Roskilde Bibliotekerne"),
    ("Gustav Bæk", "Projektleder", "DBC Digital"),
    ("Hanne Lund", "Bibliotekschef", "Gentofte Bibliotekerne"),
]
BIO = (
    "{name} har arbejdet med biblioteker i mere end femten år og står bag flere projekter om "
    "læsning, demokrati og digital dannelse. Hun eller han underviser jævnligt og skriver om "
    "bibliotekernes rolle i lokalsamfundet, senest i antologien »Rum for alle«."
)
DESCRIPTION = (
    "Et oplæg om **samarbejde** på tværs af kommuner, med eksempler fra hverdagen og tid til "
    "spørgsmål. Tag gerne en kollega med."
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generations", type=int, default=5, help="fresh PDF builds (5)")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (50)")
    return parser.parse_args(argv)


def configure(workdir: Path) -> None:
    """Production settings over plain HTTP on 127.0.0.1, with files in `workdir`."""
    os.environ.update(
        production_over_http(
            TILMELD_BENCH_STATIC_ROOT=str(workdir / "static"),
            TILMELD_MEDIA_ROOT=str(workdir / "media"),
            DATABASE_URL=os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}",
        )
    )
    import django

    django.setup()


def create_database(workdir: Path) -> str:
    """A new, migrated database that nothing else uses; returns what to call it in the report."""
    from django.db import connection

    if connection.vendor == "sqlite":
        name = str(workdir / "bench.sqlite3")
        label = f"SQLite {name}"
    else:
        name = f"{connection.settings_dict['NAME']}_bench_programme"
        label = f"{connection.vendor} {name}"
    connection.settings_dict["TEST"]["NAME"] = name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return label


def drop_database(original_name: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(original_name, verbosity=0)


def make_event():
    """Two days, 9.00–17.00; 40 sessions in 38 time slots, one of them three workshops."""
    from django.utils import timezone

    from tilmeld.core.models import SiteSettings
    from tilmeld.events.models import Event, Organisation, Session, SessionKind, Speaker, Venue

    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "name_da": "Danmarks Biblioteksforening",
            "name_en": "Danish Library Association",
            "contact_email": "db@example.org",
            "address": "Eksempelvej 1\n1000 København K",
        },
    )
    day_one = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    day_one += dt.timedelta(days=30)
    event = Event.objects.create(
        title_da="Biblioteksmødet: samarbejde på tværs",
        title_en="The library meeting: working together",
        slug=SLUG,
        summary_da="To dage om bibliotekernes samarbejde.",
        starts_at=day_one,
        ends_at=day_one + dt.timedelta(days=1, hours=8),
        venue=Venue.objects.create(
            name_da="Den Blå Planet",
            street="Jacob Fortlings Vej 1",
            postcode="2770",
            city="Kastrup",
        ),
        organiser=Organisation.objects.create(name="Danmarks Biblioteksforening"),
        contact_email="tilmelding@example.org",
        capacity=300,
        registration_opens_at=timezone.now() - dt.timedelta(days=1),
        binding_at=day_one - dt.timedelta(days=14),
        is_published=True,
        published_at=timezone.now() - dt.timedelta(days=2),
    )
    speakers = [
        Speaker.objects.create(
            name=name, job_title_da=job, organisation=org, bio_da=BIO.format(name=name)
        )
        for name, job, org in SPEAKERS
    ]
    kinds = [
        SessionKind.TALK,
        SessionKind.TALK,
        SessionKind.PANEL,
        SessionKind.BREAK,
        SessionKind.TALK,
        SessionKind.TALK,
        SessionKind.MEAL,
        SessionKind.TALK,
        SessionKind.PANEL,
        SessionKind.TALK,
    ]
    count = 0
    for day in range(2):
        start = day_one + dt.timedelta(days=day)
        for slot in range(19):
            parallel = day == 0 and slot == 5
            for track in range(3 if parallel else 1):
                kind = SessionKind.WORKSHOP if parallel else kinds[(slot + day) % len(kinds)]
                session = Session.objects.create(
                    event=event,
                    starts_at=start,
                    ends_at=start + dt.timedelta(minutes=25),
                    title_da=f"{kind.label} {count + 1}: Bibliotekerne og fællesskabet",
                    title_en=f"{kind.label} {count + 1}: Libraries and the community",
                    description_da="" if kind in (SessionKind.BREAK, SessionKind.MEAL)
                    else DESCRIPTION,
                    kind=kind,
                    room=f"Lokale {track + 1}" if parallel else "Store sal",
                    capacity=100 if parallel else None,
                )  # fmt: skip
                if kind not in (SessionKind.BREAK, SessionKind.MEAL):
                    session.speakers.set(
                        [speakers[count % 8]] + ([speakers[(count + 3) % 8]] if count % 3 else [])
                    )
                count += 1
            start += dt.timedelta(minutes=25)
    assert count == 40, count
    return event


def clear_generated() -> None:
    from django.core.files.storage import default_storage

    from tilmeld.events.programme_pdf import FOLDER

    try:
        files = default_storage.listdir(FOLDER)[1]
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{FOLDER}/{name}")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def time_generation(runs: int) -> tuple[list[float], list[float], bytes]:
    """Fresh PDFs: the stored file is deleted before each run and nothing else changes."""
    from django.utils import translation

    from tilmeld.events import selectors
    from tilmeld.events.programme_pdf import cached_programme_pdf, programme_html

    builds, htmls, pdf = [], [], b""
    with translation.override("da"):
        for _ in range(runs):
            clear_generated()
            event = selectors.event_for_page(SLUG)
            started = time.perf_counter()
            pdf = cached_programme_pdf(event, language="da")
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            programme_html(event, language="da")
            htmls.append(time.perf_counter() - started)
    return builds, htmls, pdf


def time_requests(client, path: str, runs: int) -> tuple[list[float], int, int]:
    """Durations of `runs` GETs after one warm-up GET; the queries and size of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get(path)
    count = len(queries)  # now: the next request empties the log the count is read from
    assert first.status_code == 200, (path, first.status_code)
    durations = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200
    return durations, count, len(first.content)


def run(args) -> None:
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation
    from pypdf import PdfReader

    from tilmeld.events.programme_pdf import FOLDER

    call_command("collectstatic", interactive=False, verbosity=0)
    make_event()

    builds, htmls, pdf = time_generation(args.generations)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    client = Client(SERVER_NAME="127.0.0.1")
    with translation.override("da"):
        pdf_path = reverse("events:programme_pdf", kwargs={"slug": SLUG})
        page_path = reverse("events:detail", kwargs={"slug": SLUG})
    clear_generated()
    served, pdf_queries, _size = time_requests(client, pdf_path, args.requests)
    stored = default_storage.listdir(FOLDER)[1]
    assert len(stored) == 1, stored  # every request after the first was served from storage
    shown, page_queries, page_size = time_requests(client, page_path, args.requests)

    width = 44
    print(
        "",
        f"{'PDF generation (cache bypassed), median':<{width}} {ms(statistics.median(builds))}",
        f"{'  of which the HTML, median':<{width}} {ms(statistics.median(htmls))}",
        f"{'  runs':<{width}} {', '.join(ms(b) for b in builds)}",
        f"{'  result':<{width}} {len(pdf) / 1024:.0f} KB, {pages} pages",
        f"{'PDF served from storage, median':<{width}} {ms(statistics.median(served))}",
        f"{'PDF served from storage, p95':<{width}} {ms(p95(served))}",
        f"{'  queries per request':<{width}} {pdf_queries}",
        f"{'Event page, median':<{width}} {ms(statistics.median(shown))}",
        f"{'Event page, p95':<{width}} {ms(p95(shown))}",
        f"{'  queries per request':<{width}} {page_queries}",
        f"{'  size':<{width}} {page_size / 1024:.0f} KB",
        sep="\n",
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-bench-programme-"))
    original = None
    try:
        configure(workdir)
        from django.db import connection

        name = connection.settings_dict["NAME"]
        label = create_database(workdir)
        original = name
        print(
            f"Programme benchmark: 40 sessions, 8 speakers; {label}; "
            f"{args.generations} PDF builds, {args.requests} requests per page",
            flush=True,
        )
        run(args)
        return 0
    finally:
        if original is not None:
            drop_database(original)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
