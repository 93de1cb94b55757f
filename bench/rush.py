"""`make bench-rush`: many people register for one event at the same moment, through the real
HTTP flow, against gunicorn and PostgreSQL. Prints throughput, latency and the two numbers that
must be zero: seats oversold and acknowledged registrations lost.

    python -m bench.rush --requests 2000 --concurrency 64 --capacity 500
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import uvloop

from bench import bare, cpu, database, loadgen, queries, waits
from bench.environment import production_over_http

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATE, TARGET_P99_MS = 150, 500
ISSUE_BARE_RATE = 300  # the issue's figure for a bare Django view with one guarded INSERT


def run(coroutine):
    """The load generator's event loop: uvloop, which costs the shared cores far less per
    request than the standard loop."""
    return uvloop.run(coroutine)


def rush_arguments(description: str, *, yardstick: bool = True) -> argparse.ArgumentParser:
    """The rush's load, server and database options, shared with `make bench-api`, `make
    bench-pages` and `make bench-cluster` (which has no yardstick)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-n", "--requests", type=int, default=2000, help="registrations (N)")
    parser.add_argument("-c", "--concurrency", type=int, default=64, help="virtual users (C)")
    parser.add_argument("-k", "--capacity", type=int, default=500, help="seats (K)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=2, help="per worker, for gthread")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tilmeld_bench"
        ),
        help="dropped and created again; the database name must contain 'bench'",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="the cache, rate limits and sessions, as in production with several processes;"
        " flushed first (the bench's own database number)",
    )
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="without Redis: each process caches for itself, rate limits count in the database",
    )
    if yardstick:
        parser.add_argument(
            "--no-yardstick", action="store_true", help="skip the bare Django view measured after"
        )
    return parser


def parse_args(argv=None):
    parser = rush_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--keep-db", action="store_true", help="leave the database afterwards")
    parser.add_argument(
        "--webhooks",
        action="store_true",
        help="a webhook subscription to every event type: each registration queues its"
        " deliveries (sent later by the worker, which the bench does not run)",
    )
    parser.add_argument(
        "--prices",
        action="store_true",
        help="the event has prices and the dinner; everyone books a seat and the dinner for a"
        " public body (EAN): the invoices are queued, issued later by the worker",
    )
    return parser.parse_args(argv)


def server_env(args, static_root: Path) -> dict[str, str]:
    """What the app sees: production settings (DEBUG off) over plain HTTP on 127.0.0.1, with
    Redis when it answers at --redis-url (unless --no-redis). The whole rush comes from one
    address, so the per-address registration limit is off; the per-e-mail one (each person has
    their own address) counts as it would in a real rush."""
    env = os.environ | production_over_http(
        TILMELD_BENCH_STATIC_ROOT=str(static_root),
        DATABASE_URL=args.database_url,
        PYTHONUNBUFFERED="1",
        TILMELD_RATE_REGISTER_ADDRESS="",
    )
    env.pop("REDIS_URL", None)
    if not args.no_redis and redis_answers(args.redis_url):
        env["REDIS_URL"] = args.redis_url
    return env


def redis_answers(url: str) -> bool:
    """Flushes the bench's own Redis database; False when no server answers there."""
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.flushdb()
        return True
    except Exception:  # no server or no client library
        return False


def cache_line(env: dict[str, str]) -> str:
    if url := env.get("REDIS_URL"):
        return f"  cache             Redis ({url}): pages, rate limits, sessions"
    return "  cache             none shared: pages per process, rate limits in the database"


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(args, env, port: int, log: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "tilmeld.wsgi:application",
        # The production config (deploy/); the options below win over it, as before.
        "--config", str(ROOT / "deploy" / "gunicorn.conf.py"),
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
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
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


def say_log_tail(log: Path) -> None:
    if tail := log.read_text().strip():
        print("gunicorn said (last lines):\n" + "\n".join(tail.splitlines()[-15:]))


def clean_up(server, workdir: Path, database_url: str, *, drop: bool) -> None:
    """What every bench leaves behind: its gunicorn stopped, its database dropped (if `drop`),
    its temporary folder removed."""
    stop(server)
    if drop:
        database.drop(database_url)
    shutil.rmtree(workdir, ignore_errors=True)


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


def cpu_line(used: dict, registrations: int, label: str = "CPU/registration") -> str:
    if not used["machine_busy"] or not registrations:
        return f"  {label:<17} (no /proc here)"
    per = {k: used[k] / registrations * 1000 for k in ("server", "database", "client", "others")}
    share = used["machine_busy"] / (used["cores"] * used["wall"]) * 100
    ours = per["server"] + per["database"] + per["client"]
    return (
        f"  {label:<17} gunicorn {per['server']:.1f} ms · PostgreSQL {per['database']:.1f} ms"
        f" · load generator {per['client']:.1f} ms · other programs {per['others']:.1f} ms\n"
        f"                    machine {share:.0f}% busy on {used['cores']:.0f} cores; at"
        f" {ours:.1f} ms a registration, these cores allow at most"
        f" {used['cores'] * 1000 / ours:.0f}/s"
    )


def yardstick(args, env, workdir: Path) -> tuple[float, int, dict]:
    """Registrations per second of bench.bare under the same server and load generator, how
    many, and the CPU they used (cpu.usage)."""
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        bare.create_table(conn)
    port, log = free_port(), workdir / "bare.log"
    bare_env = env | {"DJANGO_SETTINGS_MODULE": "bench.bare_settings"}
    server = start_gunicorn(args, bare_env, port, log)
    try:
        wait_until_up(server, port, log)
        run(loadgen.warm_up("127.0.0.1", port, bare.PATH, requests=40, concurrency=8))
        print(f"measuring the yardstick at http://127.0.0.1:{port}{bare.PATH} …", flush=True)
        sampling = database.sampler(args.database_url)
        sampling.start()
        try:
            before = cpu.Snapshot.take(server.pid)
            results, wall = run(
                loadgen.rush(
                    "127.0.0.1", port, bare.PATH, total=args.requests, concurrency=args.concurrency
                )
            )
            after = cpu.Snapshot.take(server.pid)
        finally:
            sampling.stop()
    finally:
        stop(server)
    used = cpu.usage(before, after, database=sampling.cpu_seconds)
    return len(results.acknowledged) / wall, len(results.acknowledged), used


def yardstick_line(rate: float, bare: tuple[float, int, dict] | None) -> str:
    if bare is None:
        return "  yardstick         (skipped)"
    bare_rate, registered, used = bare
    return (
        f"  yardstick         a bare Django view with one guarded INSERT: {bare_rate:.0f}/s here"
        f" (the issue: ~{ISSUE_BARE_RATE}/s)\n"
        f"                    the rush reached {rate / bare_rate * 100:.0f}% of it; the target"
        f" asks for {TARGET_RATE / ISSUE_BARE_RATE * 100:.0f}%"
        f" ({TARGET_RATE} of ~{ISSUE_BARE_RATE}/s),"
        f" i.e. {bare_rate * TARGET_RATE / ISSUE_BARE_RATE:.0f}/s on this machine\n"
        + cpu_line(used, registered, label="its CPU/reg.")
    )


def report(args, results, wall, outcome, used, statements, backends, bare, env) -> bool:
    """Prints the numbers; True when nothing was oversold or lost and the counts agree."""
    acked = len(results.acknowledged)
    rate = acked / wall
    p99 = percentile(results.post_ms, 99)
    seat_count = outcome["seat_count"]
    seats_agree = seat_count == (outcome["confirmed"], outcome["waiting"])
    threads = f" ({args.threads} threads)" if args.worker_class == "gthread" else ""
    errors = ", ".join(f"{k}: {v}" for k, v in sorted(results.errors.items())) or "none"
    lost = outcome["lost"]
    met = rate >= TARGET_RATE and p99 < TARGET_P99_MS
    print(
        "",
        f"rush: N={args.requests} C={args.concurrency} K={args.capacity}, "
        f"gunicorn {args.workers} × {args.worker_class}{threads}",
        cache_line(env),
        f"  registrations/s   {rate:8.1f}   ({acked} × 302 in {wall:.2f} s)",
        latency_line("POST", results.post_ms),
        latency_line("GET", results.get_ms),
        cpu_line(used, acked),
        queries.line(statements),
        waits.line(backends),
        f"  HTTP errors       {sum(results.errors.values())}   ({errors})",
        f"  confirmed         {outcome['confirmed']}",
        f"  waiting list      {outcome['waiting']}"
        f"   (distinct positions {outcome['waiting_positions']})",
        f"  bookings          {outcome['bookings']}"
        f"   (stored but not acknowledged: {outcome['unacknowledged']})",
        f"  SeatCount         confirmed, waiting = {seat_count}"
        f"   {'agrees' if seats_agree else 'DISAGREES'} with the Participant rows",
        *(
            [
                f"  priced            {outcome['priced']} participants with a price, "
                f"{outcome['payers']} payers (invoices queued for the worker)"
            ]
            if args.prices
            else []
        ),
        *(
            [f"  webhooks          {outcome['deliveries']} deliveries queued for the worker"]
            if args.webhooks
            else []
        ),
        f"  oversold          {outcome['oversold']}",
        f"  lost              {len(lost)}" + (f"   e.g. {lost[:3]}" if lost else ""),
        f"  target ≥{TARGET_RATE}/s and POST p99 <{TARGET_P99_MS} ms: {'met' if met else 'MISSED'}",
        yardstick_line(rate, bare),
        sep="\n",
    )
    priced = not args.prices or outcome["priced"] == outcome["confirmed"] + outcome["waiting"]
    return outcome["oversold"] == 0 and not lost and seats_agree and priced


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup as for Ctrl-C
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-rush-"))
    env = server_env(args, workdir / "static")
    server = None
    created = False
    try:
        created = database.fresh(args.database_url)
        path, statements, extra = database.prepare(
            env, capacity=args.capacity, prices=args.prices, webhooks=args.webhooks
        )
        port = free_port()
        log = workdir / "gunicorn.log"
        server = start_gunicorn(args, env, port, log)
        wait_until_up(server, port, log)
        run(loadgen.warm_up("127.0.0.1", port, path, requests=40, concurrency=8))
        print(f"rushing http://127.0.0.1:{port}{path} …", flush=True)
        sampling = database.sampler(args.database_url)
        sampling.start()
        before = cpu.Snapshot.take(server.pid)
        results, wall = run(
            loadgen.rush(
                "127.0.0.1",
                port,
                path,
                total=args.requests,
                concurrency=args.concurrency,
                extra=extra,
            )
        )
        after = cpu.Snapshot.take(server.pid)
        backends = sampling.stop()
        used = cpu.usage(before, after, database=sampling.cpu_seconds)
        stop(server)
        say_log_tail(log)
        outcome = database.verify(results.acknowledged, capacity=args.capacity)
        bare = None if args.no_yardstick else yardstick(args, env, workdir)
        ok = report(args, results, wall, outcome, used, statements, backends, bare, env)
        return 0 if ok else 1
    finally:
        clean_up(server, workdir, args.database_url, drop=created and not args.keep_db)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the cleanup in main() has run
        print("\ninterrupted: gunicorn stopped, temporary files removed", file=sys.stderr)
        sys.exit(130)
