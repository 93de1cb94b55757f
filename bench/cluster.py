"""`make bench-cluster`: two app hosts behind nginx, sharing PostgreSQL, Redis and a bucket.

Host A and host B are each a gunicorn master with its workers (deploy/gunicorn.conf.py, in a
process group of its own) on a loopback port of its own, with a media folder of its own, the
recommended DATABASE_POOL=1, and the same database, Redis database and S3 bucket (moto's S3
emulator, started here). nginx runs the site of deploy/nginx/tilmeld.conf in front of both
(bench/nginx.py). Three phases:

1. the registration rush of `make bench-rush` through nginx: rate, latencies, how many requests
   each host served, and from the database: nothing oversold, no acknowledged registration lost;
2. staff change the event's title in the admin through host A: how long until host B's public
   event page shows it (target: within 2 s), and the same through nginx;
3. the rush again on a fresh event, and once half of it is acknowledged every process of host A
   is killed with SIGKILL: every acknowledged registration is stored (once), nothing is
   oversold, and host B carries on alone.

    python -m bench.cluster --requests 2000 --concurrency 64 --capacity 500
"""

import asyncio
import html
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from bench import database, loadgen, nginx, rush

PROPAGATION_TARGET_S = 2.0
KILL_SLUG = "rush-kill"
REDIS_URL = "redis://127.0.0.1:6379/5"
BUCKET, REGION = "tilmeld-bench-media", "eu-north-1"
EMULATOR_KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
LOG_LINE = re.compile(r'^(\S+) (\d{3}) "([^"]*)" "([^"]*)" (\S+) (\S+) (\S+)$')


def parse_args(argv=None):
    parser = rush.rush_arguments(__doc__.split("\n\n")[0], yardstick=False)
    # The hosts' shared Redis: this database number is flushed at the start and the end.
    parser.set_defaults(workers=2, redis_url=os.environ.get("BENCH_REDIS_URL", REDIS_URL))
    parser.add_argument(
        "--watch-seconds",
        type=float,
        default=5.0,
        help="how long the pages are watched for the staff change before giving up",
    )
    return parser.parse_args(argv)


# --- the pieces ---------------------------------------------------------------------------


@dataclass
class Host:
    name: str
    port: int
    media: Path
    log: Path
    process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


@contextmanager
def s3_emulator(workdir: Path):
    """moto's standalone S3 server on 127.0.0.1 with the bench's bucket; yields its URL."""
    import boto3

    port, log = rush.free_port(), workdir / "moto.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=EMULATOR_KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=EMULATOR_KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                client.create_bucket(
                    Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
                )
                break
            except Exception:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(
                        f"moto's S3 server did not start:\n{log.read_text()}"
                    ) from None
                time.sleep(0.2)
        yield endpoint
    finally:
        rush.stop(process)


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group, from /proc (zombies count as gone)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


def served(logs: list[Path], offsets: dict[Path, int], hosts: list[Host], since: float = 0):
    """Requests nginx passed to each host since `offsets` (and the `since` clock time), by the
    host that answered last: ("A", True) answered, ("A", False) failed (nginx answered 502 or
    504); ("retried", True) a request nginx passed on to the next host."""
    names = {h.address: h.name for h in hosts}
    counts: Counter = Counter()
    for log in logs:
        with log.open("rb") as read:
            read.seek(offsets.get(log, 0))
            text = read.read().decode(errors="replace")
        for line in text.splitlines():
            match = LOG_LINE.match(line)
            if not match or float(match.group(1)) < since:
                continue
            tried = [a.strip() for a in match.group(3).split(",") if a.strip()]
            if not tried:
                counts["nginx alone", True] += 1
                continue
            counts[names.get(tried[-1], tried[-1]), match.group(2) not in {"502", "504"}] += 1
            if len(tried) > 1:
                counts["retried", True] += 1
    return counts


def served_line(counts: Counter, hosts: list[Host], label: str = "served by") -> str:
    parts = []
    for name in [h.name for h in hosts] + sorted({n for n, _ in counts} - {h.name for h in hosts}):
        answered, failed = counts.get((name, True), 0), counts.get((name, False), 0)
        if name == "retried":
            parts.append(f"passed on to the next host {answered}")
        else:
            words = "host " + name if name in {h.name for h in hosts} else name
            parts.append(f"{words} {answered + failed}" + (f" ({failed} failed)" if failed else ""))
    return f"  {label:<17} " + ", ".join(parts) + "   requests (nginx's access log)"


def log_offsets(logs: list[Path]) -> dict[Path, int]:
    return {log: log.stat().st_size if log.exists() else 0 for log in logs}


# --- staff through host A -------------------------------------------------------------------


class Browser:
    """One staff member's browser on one host: cookies kept, forms posted as filled in."""

    def __init__(self, port: int):
        self.conn = loadgen.Connection("127.0.0.1", port)
        self.origin = f"http://127.0.0.1:{port}"
        self.jar: dict[str, str] = {}

    async def get(self, path: str) -> loadgen.Response:
        return await self._send("GET", path, {})

    async def post(self, path: str, data: dict[str, list[str]]) -> loadgen.Response:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        return await self._send("POST", path, headers, urlencode(data, doseq=True).encode())

    async def _send(self, method, path, headers, body=b"") -> loadgen.Response:
        headers = {"Accept": "text/html", "Accept-Language": "da", **headers}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        response = await self.conn.request(method, path, headers, body)
        loadgen.set_cookies(self.jar, response)
        return response


def make_staff() -> tuple[str, str]:
    from django.contrib.auth import get_user_model
    from django.db import connections

    username, password = "bench-staff", secrets.token_urlsafe(16)
    get_user_model().objects.create_superuser(username, "staff@bench.example", password)
    connections.close_all()
    return username, password


def admin_paths(slug: str) -> dict[str, str]:
    from django.db import connections
    from django.urls import reverse
    from django.utils import translation

    from tilmeld.events.models import Event

    event = Event.objects.get(slug=slug)
    with translation.override("da"):
        paths = {
            "login": reverse("admin:login"),
            "change": reverse("admin:events_event_change", args=[event.pk]),
            "page": event.get_absolute_url(),
        }
    connections.close_all()
    return paths


async def first_seen(port: int, path: str, marker: bytes, started: float, limit: float):
    """Seconds from `started` until the page at 127.0.0.1:`port` shows `marker` (fetched as an
    anonymous visitor, every 10 ms); None if not within `limit` seconds."""
    conn = loadgen.Connection("127.0.0.1", port)
    try:
        while (elapsed := time.perf_counter() - started) < limit:
            try:
                page = await conn.request("GET", path, {"Accept-Language": "da"})
                if page.status == 200 and marker in page.body:
                    return time.perf_counter() - started
            except (OSError, loadgen.EmptyReply, asyncio.IncompleteReadError):
                conn.close()
            await asyncio.sleep(max(0.0, min(0.01, limit - elapsed)))
        return None
    finally:
        conn.close()


async def propagation(a: Host, b: Host, web: nginx.Nginx, credentials, paths, limit: float):
    """Staff log in on host A and give the event a new title in its admin change form; then
    host B's event page (directly and through nginx) is fetched until it shows the title."""
    username, password = credentials
    staff = Browser(a.port)
    login = await staff.get(paths["login"])
    form = loadgen.hidden_fields(login.body) | {"username": username, "password": password}
    answer = await staff.post(paths["login"], {k: [v] for k, v in form.items()})
    if answer.status != 302:
        raise SystemExit(f"the staff login on host A answered {answer.status}")
    change = await staff.get(paths["change"])
    data = loadgen.form_values(change.body, "event_form")
    token = secrets.token_hex(4)
    title = f"{data['title_da'][0]} · ændret {token}"
    marker = token.encode()
    for port in (b.port, web.port):  # both have the page with the old title cached
        page = await loadgen.Connection("127.0.0.1", port).request(
            "GET", paths["page"], {"Accept-Language": "da", "Connection": "close"}
        )
        if page.status != 200 or html.escape(data["title_da"][0]).encode() not in page.body:
            raise SystemExit(f"the event page on 127.0.0.1:{port} answered {page.status}")
    data |= {"title_da": [title], "_save": ["Gem"]}
    sent = time.perf_counter()
    saved = await staff.post(paths["change"], data)
    saved_at = time.perf_counter()
    staff.conn.close()
    if saved.status != 302:
        errors = re.findall(rb'<ul class="errorlist[^>]*>(.*?)</ul>', saved.body, re.DOTALL)
        raise SystemExit(f"host A did not save the change ({saved.status}): {errors[:3]}")
    on_b, via_nginx = await asyncio.gather(
        first_seen(b.port, paths["page"], marker, saved_at, limit),
        first_seen(web.port, paths["page"], marker, saved_at, limit),
    )
    return {"save": saved_at - sent, "host B": on_b, "nginx": via_nginx}


# --- the phases -----------------------------------------------------------------------------


def first_rush(args, web: nginx.Nginx, hosts: list[Host], path: str):
    offsets = log_offsets(web.access_logs)
    print(f"1. rushing {web.url}{path} (nginx, both hosts) …", flush=True)
    results, wall = rush.run(
        loadgen.rush("127.0.0.1", web.port, path, total=args.requests, concurrency=args.concurrency)
    )
    outcome = database.verify(results.acknowledged, capacity=args.capacity)
    return results, wall, outcome, served(web.access_logs, offsets, hosts)


def kill_rush(args, web: nginx.Nginx, hosts: list[Host]):
    """The rush on a fresh event; host A's process group gets SIGKILL once half is
    acknowledged."""
    a = hosts[0]
    database.open_event(KILL_SLUG, "Rush: Bibliotekernes årsmøde, igen", capacity=args.capacity)
    path = database.register_path(KILL_SLUG)
    rush.run(loadgen.warm_up("127.0.0.1", web.port, path, requests=40, concurrency=8))
    offsets = log_offsets(web.access_logs)
    results = loadgen.Results()
    half = args.requests // 2
    kill: dict = {}

    async def killer():
        while len(results.acknowledged) < half:
            await asyncio.sleep(0.005)
        kill["members"] = group_members(a.process.pid)
        kill["clock"] = time.time()
        os.killpg(a.process.pid, signal.SIGKILL)
        kill["at"] = time.perf_counter()
        kill["acknowledged"] = len(results.acknowledged)
        kill["errors"] = sum(results.errors.values())

    async def both():
        watching = asyncio.create_task(killer())
        try:
            return await loadgen.rush(
                "127.0.0.1",
                web.port,
                path,
                total=args.requests,
                concurrency=args.concurrency,
                results=results,
            )
        finally:
            watching.cancel()

    print(
        f"3. rushing {web.url}{path} again; host A gets kill -9 after {half} acknowledged …",
        flush=True,
    )
    started = time.perf_counter()
    _results, wall = rush.run(both())
    if a.process.poll() is None and kill:
        a.process.wait(timeout=10)
    left = group_members(a.process.pid) if kill else []
    outcome = database.verify(results.acknowledged, capacity=args.capacity, slug=KILL_SLUG)
    after = served(web.access_logs, offsets, hosts, since=kill.get("clock", float("inf")))
    return results, wall, started, kill, left, outcome, after


# --- the report -----------------------------------------------------------------------------


def outcome_lines(outcome) -> list[str]:
    seat_count = outcome["seat_count"]
    agrees = seat_count == (outcome["confirmed"], outcome["waiting"])
    lost = outcome["lost"]
    return [
        f"  confirmed         {outcome['confirmed']}",
        f"  waiting list      {outcome['waiting']}"
        f"   (distinct positions {outcome['waiting_positions']})",
        f"  stored            {outcome['confirmed'] + outcome['waiting']}"
        f"   (stored but not acknowledged: {outcome['unacknowledged']})",
        f"  SeatCount         confirmed, waiting = {seat_count}"
        f"   {'agrees' if agrees else 'DISAGREES'} with the Participant rows",
        f"  oversold          {outcome['oversold']}",
        f"  lost              {len(lost)}" + (f"   e.g. {lost[:3]}" if lost else ""),
        f"  stored twice      {outcome['duplicates']}",
    ]


def sound(outcome) -> bool:
    agrees = outcome["seat_count"] == (outcome["confirmed"], outcome["waiting"])
    return not outcome["oversold"] and not outcome["lost"] and not outcome["duplicates"] and agrees


def errors_text(errors: Counter) -> str:
    kinds = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"
    return f"{sum(errors.values())}   ({kinds})"


def ms(seconds: float | None) -> str:
    return "not seen" if seconds is None else f"{seconds * 1000:.0f} ms"


def report(args, hosts, web, setup, first, change, third) -> bool:
    results, wall, outcome, counts = first
    acked = len(results.acknowledged)
    print(
        "",
        f"cluster: 2 app hosts × gunicorn {args.workers} × {args.worker_class}, DATABASE_POOL=1,"
        f" behind nginx ({setup['nginx']}) on {web.url}",
        *(
            f"  host {h.name}            {h.address}, a process group and media folder of its own"
            for h in hosts
        ),
        "  network           separate loopback ports (no network namespaces)",
        f"  shared            PostgreSQL {setup['database']}, Redis {args.redis_url},"
        f" bucket {BUCKET} on moto's S3 emulator at {setup['bucket']} (an emulator, not AWS)",
        "",
        f"1. rush through nginx: N={args.requests} C={args.concurrency} K={args.capacity}",
        f"  registrations/s   {acked / wall:8.1f}   ({acked} × 302 in {wall:.2f} s)",
        rush.latency_line("POST", results.post_ms),
        rush.latency_line("GET", results.get_ms),
        f"  HTTP errors       {errors_text(results.errors)}",
        served_line(counts, hosts),
        *outcome_lines(outcome),
        sep="\n",
    )
    on_b, via_nginx = change["host B"], change["nginx"]
    propagated = on_b is not None and on_b <= PROPAGATION_TARGET_S
    through = via_nginx is not None and via_nginx <= PROPAGATION_TARGET_S
    print(
        "",
        "2. a staff change on host A (the event's title, in the admin) seen on host B",
        f"  host A saved it   in {change['save'] * 1000:.0f} ms (the admin form's POST → 302)",
        f"  host B's event page showed it {ms(on_b)} after that"
        f"   {'PASS' if propagated else 'FAIL'} (target ≤ {PROPAGATION_TARGET_S:.0f} s)",
        f"  through nginx     {ms(via_nginx)} after that"
        + ("" if via_nginx is not None else f" within {args.watch_seconds:.0f} s")
        + f"   {'PASS' if through else 'FAIL'} (nginx keeps a page ≤ 1 s: X-Accel-Expires)",
        sep="\n",
    )
    results, wall, started, kill, left, outcome, after = third
    acked = len(results.acknowledged)
    carried = False
    lines = [f"3. rush again, host A killed with kill -9 halfway: N={args.requests}"]
    if not kill:
        lines.append("  host A was NOT killed: the rush never reached half")
    else:
        before_s = kill["at"] - started
        after_s = wall - before_s
        after_acked = acked - kill["acknowledged"]
        carried = after_acked > 0 and not left
        lines += [
            f"  killed            host A's {len(kill['members'])} processes (master and workers)"
            f" after {kill['acknowledged']} acknowledged, {before_s:.1f} s in;"
            f" left alive: {len(left)}",
            f"  registrations/s   {kill['acknowledged'] / before_s:8.1f} before the kill,"
            f" {after_acked / after_s if after_s > 0 else 0:.1f} after (host B alone)",
            f"  acknowledged      {acked}   ({after_acked} after the kill)",
            f"  HTTP errors       {errors_text(results.errors)};"
            f" {sum(results.errors.values()) - kill['errors']} of them after the kill",
            served_line(after, hosts, "after the kill")
            if after
            else "  after the kill    nothing in nginx's access log",
        ]
    lines += outcome_lines(outcome)
    lines.append(
        f"  host B carried on: {'yes' if carried else 'NO'}"
        + (f" ({acked - kill['acknowledged']} registrations after the kill)" if kill else "")
    )
    print("", *lines, sep="\n")
    ok = sound(first[2]) and propagated and through and sound(outcome) and carried
    print(f"\nbench-cluster: {'all checks passed' if ok else 'FAILED'}")
    return ok


def shared_env(args, workdir: Path, bucket_url: str, web_port: int) -> dict[str, str]:
    """What both hosts see (and this process, which prepares the database): rush's production
    settings, the shared Redis and bucket, and nginx as the one proxy in front. Browsers post
    forms to nginx's address, which has a port here (443 in production): a trusted origin. The
    bench's staff member logs in with a password alone."""
    return (
        rush.server_env(args, workdir / "static")
        | EMULATOR_KEYS
        | {
            "REDIS_URL": args.redis_url,
            "TILMELD_S3_BUCKET": BUCKET,
            "TILMELD_S3_ENDPOINT_URL": bucket_url,
            "TILMELD_S3_REGION": REGION,
            "TILMELD_SERVE_MEDIA": "0",
            "TILMELD_NUM_PROXIES": "1",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{web_port}",
            "TILMELD_STAFF_2FA_REQUIRED": "0",
        }
    )


# --- main -----------------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # run the cleanup as for Ctrl-C
    if not nginx.program():
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    workdir = Path(tempfile.mkdtemp(prefix="tilmeld-cluster-"))
    with ExitStack() as cleanup:
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        if args.no_redis or not rush.redis_answers(args.redis_url):  # flushes it too
            raise SystemExit(f"the hosts share Redis, which does not answer at {args.redis_url}")
        cleanup.callback(flush_redis, args.redis_url)
        print("starting moto's S3 emulator …", flush=True)
        endpoint = cleanup.enter_context(s3_emulator(workdir))
        web_port = rush.free_port()
        shared = shared_env(args, workdir, endpoint, web_port)
        name = args.database_url.rsplit("/", 1)[-1]
        print(f"preparing {name} …", flush=True)
        database.recreate(args.database_url)
        cleanup.callback(database.drop, args.database_url)
        path, _statements, _extra = database.prepare(shared, capacity=args.capacity)
        credentials = make_staff()
        paths = admin_paths(database.SLUG)
        hosts = [
            Host(n, rush.free_port(), workdir / n / "media", workdir / f"host-{n}.log")
            for n in ("A", "B")
        ]
        for host in hosts:
            host.media.mkdir(parents=True)
            env = shared | {"DATABASE_POOL": "1", "TILMELD_MEDIA_ROOT": str(host.media)}
            host.process = rush.start_gunicorn(args, env, host.port, host.log)
            cleanup.callback(rush.stop, host.process)
        for host in hosts:
            rush.wait_until_up(host.process, host.port, host.log)
        web = cleanup.enter_context(
            nginx.running(
                [h.address for h in hosts],
                prefix=workdir / "nginx",
                static_root=workdir / "static",
                port=web_port,
            )
        )
        rush.run(loadgen.warm_up("127.0.0.1", web.port, path, requests=40, concurrency=8))
        first = first_rush(args, web, hosts, path)
        print("2. staff change the event's title through host A …", flush=True)
        change = rush.run(
            propagation(*hosts, web, credentials, paths, max(args.watch_seconds, 2.5))
        )
        third = kill_rush(args, web, hosts)
        for host in hosts:
            rush.stop(host.process)
            if tail := host.log.read_text().strip():
                print(f"host {host.name}'s gunicorn said (last lines):")
                print("\n".join(tail.splitlines()[-10:]))
        setup = {"database": name, "bucket": endpoint, "nginx": nginx_version()}
        return 0 if report(args, hosts, web, setup, first, change, third) else 1


def nginx_version() -> str:
    said = subprocess.run(
        [nginx.program(), "-v"], capture_output=True, text=True, check=False
    ).stderr
    return said.strip().rsplit(" ", 1)[-1] if said else "nginx"


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the cleanup in main() has run
        print(
            "\ninterrupted: hosts, nginx and the emulator stopped, files removed", file=sys.stderr
        )
        sys.exit(130)
