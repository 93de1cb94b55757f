"""`make bench-rush`: many people register for one event at the same moment, through the real
HTTP flow, against gunicorn and PostgreSQL. Prints throughput, latency and the two numbers that
must be zero: seats oversold and acknowledged registrations lost.

    python -m bench.rush --requests 2000 --concurrency 64 --capacity 500
"""

import argparse
import asyncio
import datetime as dt
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

from bench import loadgen

ROOT = Path(__file__).resolve().parent.parent
SLUG = "rush"
TARGET_RATE, TARGET_P99_MS = 150, 500


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=2000, help="registrations (N)")
    parser.add_argument("-c", "--concurrency", type=int, default=64, help="virtual users (C)")
    parser.add_argument("-k", "--capacity", type=int, default=500, help="seats (K)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4, help="per worker, for gthread")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tilmeld_bench"
        ),
        help="dropped and created again; the database name must contain 'bench'",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    return parser.parse_args(argv)


# --- the database -------------------------------------------------------------------------


def _admin_connection(url: str):
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info["dbname"]
    if "bench" not in name:  # a typo must never drop a real database
        raise SystemExit(f"refusing to drop {name!r}: the bench database name must contain 'bench'")
    info["dbname"] = "postgres"
    return psycopg.connect(**info, autocommit=True), name


def recreate_database(url: str) -> None:
    conn, name = _admin_connection(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    conn, name = _admin_connection(url)
    with conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def server_env(args, static_root: Path) -> dict[str, str]:
    """What the app sees: production settings (DEBUG off) over plain HTTP on 127.0.0.1."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "TILMELD_BENCH_STATIC_ROOT": str(static_root),
        "DATABASE_URL": args.database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def prepare(args, env: dict[str, str]) -> str:
    """Migrates, collects static files, creates the event; returns the form's path."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.urls import reverse
    from django.utils import timezone, translation

    from tilmeld.events.models import Event

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    now = timezone.now()
    Event.objects.create(
        title="Rush: Bibliotekernes årsmøde",
        slug=SLUG,
        starts_at=now + dt.timedelta(days=30),
        ends_at=now + dt.timedelta(days=30, hours=6),
        is_published=True,
        published_at=now - dt.timedelta(hours=1),
        registration_opens_at=now - dt.timedelta(minutes=1),
        capacity=args.capacity,
        waiting_list_enabled=True,
    )
    with translation.override("da"):
        path = reverse("registrations:register", kwargs={"slug": SLUG})
    connections.close_all()
    return path


def verify(args, acknowledged: list[str]) -> dict:
    """Reads the outcome from the database, not from the app's answers."""
    from django.db import connections
    from django.db.models import Count
    from django.db.models.functions import Lower

    from tilmeld.events.models import Event
    from tilmeld.registrations.models import Booking, Participant, SeatCount

    event = Event.objects.get(slug=SLUG)
    participants = Participant.objects.filter(event=event)
    by_status = dict(participants.values_list("status").annotate(n=Count("id")).order_by())
    stored = set(participants.annotate(e=Lower("email")).values_list("e", flat=True))
    seats = SeatCount.objects.filter(pk=event.pk).first()
    waiting_positions = (
        participants.filter(status="waiting").values("waiting_position").distinct().count()
    )
    outcome = {
        "confirmed": by_status.get("confirmed", 0),
        "waiting": by_status.get("waiting", 0),
        "other": sum(n for s, n in by_status.items() if s not in ("confirmed", "waiting")),
        "bookings": Booking.objects.filter(event=event).count(),
        "seat_count": (seats.confirmed, seats.waiting) if seats else None,
        "waiting_positions": waiting_positions,
        "lost": sorted(e for e in acknowledged if e.lower() not in stored),
        "unacknowledged": len(stored - {e.lower() for e in acknowledged}),
    }
    outcome["oversold"] = max(0, outcome["confirmed"] - args.capacity)
    connections.close_all()
    return outcome


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, env, port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "tilmeld.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--threads", str(args.threads if args.worker_class == "gthread" else 1),
        "--keep-alive", "5",
        "--backlog", "2048",
        "--timeout", "120",
        "--log-level", "warning",
        "--no-control-socket",
    ]  # fmt: skip
    with log.open("wb") as out:
        # A session of its own: Ctrl-C reaches only this script, which then stops the server.
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_up(server: subprocess.Popen, port: int, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within {seconds:.0f} s:\n{log.read_text()}")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)  # its own session: the workers go too
        server.wait()


# --- the report ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def latency_line(name: str, values: list[float]) -> str:
    cuts = "  ".join(f"p{p} {percentile(values, p):7.1f}" for p in (50, 95, 99))
    top = max(values, default=float("nan"))
    return f"  {name:<5} n={len(values):<5} {cuts}  max {top:7.1f}  ms"


def report(args, results: loadgen.Results, wall: float, outcome: dict) -> bool:
    rate = len(results.acknowledged) / wall
    p99 = percentile(results.post_ms, 99)
    seat_count = outcome["seat_count"]
    seats_agree = seat_count == (outcome["confirmed"], outcome["waiting"])
    print()
    print(
        f"rush: N={args.requests} C={args.concurrency} K={args.capacity}, gunicorn "
        f"{args.workers} × {args.worker_class}"
        + (f" ({args.threads} threads)" if args.worker_class == "gthread" else "")
    )
    print(f"  registrations/s   {rate:8.1f}   ({len(results.acknowledged)} × 302 in {wall:.2f} s)")
    print(latency_line("POST", results.post_ms))
    print(latency_line("GET", results.get_ms))
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(results.errors.items())) or "none"
    print(f"  HTTP errors       {sum(results.errors.values())}   ({errors})")
    print(f"  confirmed         {outcome['confirmed']}")
    print(f"  waiting list      {outcome['waiting']}   (distinct positions {outcome['waiting_positions']})")
    print(f"  bookings          {outcome['bookings']}   (stored but not acknowledged: {outcome['unacknowledged']})")
    print(f"  SeatCount         confirmed+waiting = {seat_count}   {'agrees' if seats_agree else 'DISAGREES'} with Participant rows")
    print(f"  oversold          {outcome['oversold']}")
    print(f"  lost              {len(outcome['lost'])}" + (f"   e.g. {outcome['lost'][:3]}" if outcome["lost"] else ""))  # fmt: skip
    met = rate >= TARGET_RATE and p99 < TARGET_P99_MS
    print(
        f"  target ≥{TARGET_RATE}/s and POST p99 <{TARGET_P99_MS} ms: {'met' if met else 'MISSED'}"
    )
    return outcome["oversold"] == 0 and not outcome["lost"] and seats_agree


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup as for Ctrl-C
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-rush-"))
    env = server_env(args, workdir / "static")
    server = None
    created = False
    try:
        print(f"preparing {args.database_url.rsplit('/', 1)[-1]} …", flush=True)
        recreate_database(args.database_url)
        created = True
        path = prepare(args, env)
        port = free_port()
        log = workdir / "gunicorn.log"
        server = start_gunicorn(args, env, port, log)
        wait_until_up(server, port, log)
        asyncio.run(loadgen.warm_up("127.0.0.1", port, path, requests=40, concurrency=8))
        print(f"rushing http://127.0.0.1:{port}{path} …", flush=True)
        results, wall = asyncio.run(
            loadgen.rush(
                "127.0.0.1", port, path, total=args.requests, concurrency=args.concurrency
            )
        )
        stop(server)
        if tail := log.read_text().strip():
            print("gunicorn said (last lines):\n" + "\n".join(tail.splitlines()[-15:]))
        ok = report(args, results, wall, verify(args, results.acknowledged))
        return 0 if ok else 1
    finally:
        stop(server)
        if created and not args.keep_db:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # noqa: S110 - Django may not be set up yet
                pass
            drop_database(args.database_url)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
