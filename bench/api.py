"""`make bench-api`: the registration rush through the REST API, then the read endpoints' rate.

The same server, database and checks as `make bench-rush` (gunicorn on PostgreSQL, one event
with K seats and a waiting list): N registrations by C virtual users, each a POST of JSON with
a token and an Idempotency-Key of its own, answered 201. Then GET /api/v1/events and the
event's participant list (200 a page) from 16 connections for about 10 s each.

    python -m bench.api --requests 2000 --concurrency 64 --capacity 500
"""

import asyncio
import json
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench import cpu, database, loadgen, rush, waits
from bench.loadgen import Connection, Results, _timed


def parse_args(argv=None):
    parser = rush.rush_arguments(__doc__.split("\n\n")[0])
    parser.add_argument(
        "--no-key", action="store_true", help="POST without Idempotency-Key (what the key costs)"
    )
    parser.add_argument("--read-seconds", type=float, default=10.0)
    parser.add_argument("--read-connections", type=int, default=16)
    return parser.parse_args(argv)


def make_token() -> str:
    """A superuser's token with every scope, in the bench database (Django is set up)."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from tilmeld.api.enums import Scope
    from tilmeld.api.tokens import create_token

    owner = get_user_model().objects.create_superuser("bench", "bench@bench.example", "x" * 20)
    _row, token = create_token(owner, name="bench", scopes=Scope.values)
    connections.close_all()
    return token


def registration(number: int) -> bytes:
    person = {
        "name": f"Rush Deltager {number}",
        "email": f"rush{number:06d}@bench.example",
        "organisation": "Bench Bibliotek",
        "job_title": "Bibliotekar",
        "phone": "12345678",
    }
    booker = {k: person[k] for k in ("name", "email", "organisation", "phone")}
    return json.dumps({"booker": booker, "participants": [person]}).encode()


async def api_user(host, port, path, numbers, results: Results, headers: dict, key=True) -> None:
    """Registers one new person after another through the API, each POST with its own key."""
    conn = Connection(host, port)
    try:
        for number in numbers:
            sent = headers | ({"Idempotency-Key": f"rush-{number}"} if key else {})
            answer = await _timed(results, "POST", conn, path, sent, registration(number))
            if answer is None:
                continue
            if answer.status == 201:
                results.acknowledged.append(f"rush{number:06d}@bench.example")
            else:
                results.errors[f"POST {answer.status}"] += 1
    finally:
        conn.close()


async def api_rush(host, port, path, *, total, concurrency, headers, key=True):
    results = Results()
    numbers = iter(range(total))
    started = time.perf_counter()
    users = [api_user(host, port, path, numbers, results, headers, key) for _ in range(concurrency)]
    progress = asyncio.create_task(loadgen._progress(results, total, started))
    try:
        await asyncio.gather(*users)
    finally:
        progress.cancel()
    return results, time.perf_counter() - started


async def reads(host, port, path, *, headers, seconds, connections):
    """GETs `path` from `connections` users until `seconds` have passed: (answers/s, latencies
    in ms, errors)."""
    latencies: list[float] = []
    errors: Counter = Counter()
    deadline = time.perf_counter() + seconds

    async def user():
        conn = Connection(host, port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    answer = await conn.request("GET", path, headers)
                except (OSError, loadgen.EmptyReply, asyncio.IncompleteReadError) as error:
                    errors[type(error).__name__] += 1
                    conn.close()
                    continue
                if answer.status == 200:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors[f"GET {answer.status}"] += 1
        finally:
            conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(user() for _ in range(connections)))
    return len(latencies) / (time.perf_counter() - started), latencies, errors


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-api-bench-"))
    env = rush.server_env(args, workdir / "static") | {
        "TILMELD_API_RATE_TOKEN": "0",
        "TILMELD_API_RATE_PUBLIC": "0",
    }
    server = None
    created = False
    try:
        created = database.fresh(args.database_url)
        database.prepare(env, capacity=args.capacity)
        token = make_token()
        headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Accept-Language": "da",
        }
        path = f"/api/v1/events/{database.SLUG}/bookings"
        port = rush.free_port()
        log = workdir / "gunicorn.log"
        server = rush.start_gunicorn(args, env, port, log)
        rush.wait_until_up(server, port, log)
        rush.run(loadgen.warm_up("127.0.0.1", port, "/api/v1/events", requests=40, concurrency=8))
        print(f"rushing POST http://127.0.0.1:{port}{path} …", flush=True)
        sampling = database.sampler(args.database_url)
        sampling.start()
        before = cpu.Snapshot.take(server.pid)
        results, wall = rush.run(
            api_rush(
                "127.0.0.1",
                port,
                path,
                total=args.requests,
                concurrency=args.concurrency,
                headers=headers,
                key=not args.no_key,
            )
        )
        after = cpu.Snapshot.take(server.pid)
        backends = sampling.stop()
        used = cpu.usage(before, after, database=sampling.cpu_seconds)
        read_rates = {}
        for name, read_path in (
            ("GET /api/v1/events", "/api/v1/events"),
            (
                "GET …/participants?limit=200",
                f"/api/v1/events/{database.SLUG}/participants?limit=200",
            ),
        ):
            print(f"reading {read_path} …", flush=True)
            read_rates[name] = rush.run(
                reads(
                    "127.0.0.1",
                    port,
                    read_path,
                    headers={"Authorization": headers["Authorization"]},
                    seconds=args.read_seconds,
                    connections=args.read_connections,
                )
            )
        rush.stop(server)
        rush.say_log_tail(log)
        outcome = database.verify(results.acknowledged, capacity=args.capacity)
        bare = None if args.no_yardstick else rush.yardstick(args, env, workdir)
        ok = report(args, results, wall, outcome, used, backends, read_rates, env)
        print(yardstick_line(len(results.acknowledged) / wall, bare))
        return 0 if ok else 1
    finally:
        rush.clean_up(server, workdir, args.database_url, drop=created)


def yardstick_line(rate: float, bare) -> str:
    """The reference measured in the same run: the bare Django view of `make bench-rush`. Its
    ratio compares with the form's ratio that `make bench-rush` prints."""
    if bare is None:
        return "  yardstick         (skipped)"
    bare_rate, registered, used = bare
    return (
        f"  yardstick         a bare Django view with one guarded INSERT: {bare_rate:.0f}/s here;"
        f" the API rush reached {rate / bare_rate * 100:.0f}% of it\n"
        + rush.cpu_line(used, registered, label="its CPU/reg.")
    )


def report(args, results, wall, outcome, used, backends, read_rates, env) -> bool:
    acked = len(results.acknowledged)
    rate = acked / wall
    seat_count = outcome["seat_count"]
    agree = seat_count == (outcome["confirmed"], outcome["waiting"])
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(results.errors.items())) or "none"
    lost = outcome["lost"]
    lines = [
        "",
        f"API rush: N={args.requests} C={args.concurrency} K={args.capacity}, "
        f"gunicorn {args.workers} × {args.worker_class}"
        + (", without Idempotency-Key" if args.no_key else ""),
        rush.cache_line(env),
        f"  registrations/s   {rate:8.1f}   ({acked} × 201 in {wall:.2f} s)",
        rush.latency_line("POST", results.post_ms),
        rush.cpu_line(used, acked),
        waits.line(backends),
        f"  HTTP errors       {sum(results.errors.values())}   ({errors})",
        f"  confirmed         {outcome['confirmed']}",
        f"  waiting list      {outcome['waiting']}"
        f"   (distinct positions {outcome['waiting_positions']})",
        f"  bookings          {outcome['bookings']}"
        f"   (stored but not acknowledged: {outcome['unacknowledged']})",
        f"  SeatCount         confirmed, waiting = {seat_count}"
        f"   {'agrees' if agree else 'DISAGREES'} with the Participant rows",
        f"  oversold          {outcome['oversold']}",
        f"  lost              {len(lost)}" + (f"   e.g. {lost[:3]}" if lost else ""),
        f"reads, {args.read_connections} connections, {args.read_seconds:.0f} s each:",
    ]
    for name, (per_second, latencies, read_errors) in read_rates.items():
        failed = sum(read_errors.values())
        lines.append(
            f"  {name:<30} {per_second:7.1f}/s  p50 {rush.percentile(latencies, 50):6.1f}"
            f"  p99 {rush.percentile(latencies, 99):6.1f} ms  errors {failed}"
        )
    print(*lines, sep="\n")
    return outcome["oversold"] == 0 and not lost and agree


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: gunicorn stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
