"""The `make bench…` commands run from a clean checkout and report their numbers (the numbers
themselves are never asserted)."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bench import nginx

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")


def bench(*args: str, drop=("DJANGO_SETTINGS_MODULE",)) -> list[str]:
    """Runs `python -m bench.<args>` as make would; returns its output lines, spaces collapsed."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    result = subprocess.run(  # noqa: S603 - our own benchmark, fixed arguments
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return [" ".join(line.split()) for line in result.stdout.splitlines()]


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="the rush runs on PostgreSQL")
def test_small_rush_reports_nothing_oversold_or_lost():
    bench_db = DATABASE_URL.rsplit("/", 1)[0] + f"/tilmeld_bench_smoke_{uuid.uuid4().hex[:8]}"

    lines = bench(
        "bench.rush", "-n", "60", "-c", "6", "-k", "20", "--webhooks", "--database-url", bench_db
    )

    assert "confirmed 20" in lines
    assert "waiting list 40 (distinct positions 40)" in lines
    assert "oversold 0" in lines
    assert "lost 0" in lines
    # Each booking: registration.created, then .confirmed or .waitlisted (and the side events').
    [queued] = [line for line in lines if line.startswith("webhooks ")]
    assert int(queued.split()[1]) >= 120
    assert any(line.startswith("yardstick a bare Django view") for line in lines)


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="the rush runs on PostgreSQL")
def test_small_api_rush_reports_nothing_oversold_or_lost_and_the_yardstick():
    bench_db = DATABASE_URL.rsplit("/", 1)[0] + f"/tilmeld_bench_smoke_{uuid.uuid4().hex[:8]}"

    lines = bench(
        "bench.api", "-n", "60", "-c", "6", "-k", "20", "--read-seconds", "0.5",
        "--database-url", bench_db,
    )  # fmt: skip

    assert "confirmed 20" in lines
    assert "oversold 0" in lines
    assert "lost 0" in lines
    assert any(line.startswith("yardstick a bare Django view") for line in lines)


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="the pages run on PostgreSQL")
def test_pages_bench_reports_each_page_next_to_the_constant_view_and_the_targets():
    bench_db = DATABASE_URL.rsplit("/", 1)[0] + f"/tilmeld_bench_smoke_{uuid.uuid4().hex[:8]}"

    lines = bench(
        "bench.pages", "--seconds", "0.5", "--during-rush", "-n", "40", "-c", "4", "-k", "20",
        "--database-url", bench_db,
    )  # fmt: skip

    names = ("constant view", "event page", "front page", "news article", "registration form")
    for name in (*names, "event page, rush"):
        row = next(line for line in lines if line.startswith(name + " "))
        assert "req/s" in row and "% of the constant view" in row and "errors" not in row
    assert any(line.startswith("event page ≥ 1000 req/s ") for line in lines)
    assert any(line.startswith("during a rush ≥ 70% of its rate alone") for line in lines)
    assert any(line.startswith("during a rush ≥ 70% of 1000 req/s") for line in lines)
    if nginx.program():
        assert any(line.startswith("through nginx (deploy/nginx/tilmeld.conf") for line in lines)
        assert "targets (issue 15), through nginx:" in lines


def test_a_few_invoices_are_issued_rendered_and_validated():
    # A throwaway SQLite file whatever the suite runs on.
    lines = bench(
        "bench.invoices",
        "--count",
        "4",
        "--validate",
        "2",
        drop=("DJANGO_SETTINGS_MODULE", "DATABASE_URL"),
    )

    assert "invoices: 4 issued, 6 lines" in lines
    assert [line.split(" ")[0] for line in lines if line.endswith("ms each")][:4] == [
        "issue",
        "PDF",
        "OIOUBL",
        "Peppol",
    ]
    validated = [line for line in lines if line.startswith("validation ")]
    assert validated == [] or all("0 fatal findings" in line for line in validated[:2])


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="it runs on PostgreSQL")
def test_staff_pages_bench_reports_each_page_with_its_target():
    bench_db = DATABASE_URL.rsplit("/", 1)[0] + f"/tilmeld_bench_smoke_{uuid.uuid4().hex[:8]}"

    lines = bench("bench.staff", "--participants", "200", "--runs", "2", "--database-url", bench_db)

    page = re.compile(r"^(.+) \d+ \d+ \d+ < (\d+ ms|\d+ s): (met|NOT MET)")
    measured = [match.group(1, 2) for line in lines if (match := page.match(line))]
    assert measured == [
        ("admin participant list", "300 ms"),
        ("… searching 'Jørgensen'", "300 ms"),
        ("event dashboard", "300 ms"),
        ("check-in search 'mette jørg'", "100 ms"),
        ("CSV export, all rows", "4 s"),
    ]
    assert any(line.startswith("200 participants inserted in") for line in lines)
    assert any(line.startswith("all targets") for line in lines)


def redis_answers(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:
        return False


CLUSTER_REDIS = "redis://127.0.0.1:6379/5"


@pytest.mark.skipif(not DATABASE_URL.startswith("postgres"), reason="it runs on PostgreSQL")
@pytest.mark.skipif(not nginx.program(), reason="nginx is not installed")
@pytest.mark.skipif(not redis_answers(CLUSTER_REDIS), reason="no Redis at 127.0.0.1:6379")
def test_cluster_bench_survives_a_killed_host_and_shows_a_change_on_the_other():
    bench_db = DATABASE_URL.rsplit("/", 1)[0] + f"/tilmeld_bench_smoke_{uuid.uuid4().hex[:8]}"

    lines = bench(
        "bench.cluster", "-n", "40", "-c", "4", "-k", "10", "--workers", "1",
        "--redis-url", CLUSTER_REDIS, "--database-url", bench_db,
    )  # fmt: skip

    assert lines.count("oversold 0") == 2
    assert lines.count("lost 0") == 2
    assert lines.count("stored twice 0") == 2
    served = next(line for line in lines if line.startswith("served by "))
    assert re.match(r"served by host A [1-9]\d*, host B [1-9]\d*", served)
    shown = next(line for line in lines if line.startswith("host B's event page showed it"))
    assert shown.endswith("PASS (target ≤ 2 s)")
    assert any(line.startswith("killed host A's ") and "left alive: 0" in line for line in lines)
    assert any(line.startswith("host B carried on: yes") for line in lines)
    assert "bench-cluster: all checks passed" in lines


PRODUCTION_SITE = """
proxy_cache_path /var/cache/nginx/tilmeld levels=1:2 keys_zone=tilmeld:10m inactive=1m;
upstream tilmeld {
    server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;  # the one host
    keepalive 16;
}
map $uri $static_cache { "~\\.[0-9a-f]{12}\\.css$" "immutable"; default "max-age=3600"; }
server {
    listen 80;
    location / { return 301 https://$host$request_uri; }
}
server {
    listen 443 ssl http2;
    ssl_certificate /etc/letsencrypt/live/x/fullchain.pem;
    access_log /var/log/nginx/tilmeld.access.log;
    location /static/ { alias /opt/tilmeld/staticfiles/; }
    location /media/ { alias /var/lib/tilmeld/media/; }
    location / {
        proxy_pass http://tilmeld;
        include proxy_params;
        proxy_cache tilmeld;
        proxy_cache_valid 200 1s;
    }
}
"""


def test_the_bench_nginx_config_is_the_production_site_over_http_in_a_folder(tmp_path):
    site = tmp_path / "tilmeld.conf"
    site.write_text(PRODUCTION_SITE)
    prefix, static = tmp_path / "nginx", tmp_path / "static"

    config = nginx.render(["127.0.0.1:9001", "127.0.0.1:9002"], 9000, prefix, static, site=site)

    assert "server 127.0.0.1:9001 max_fails=3 fail_timeout=10s;" in config
    assert "server 127.0.0.1:9002 max_fails=3 fail_timeout=10s;" in config
    assert "127.0.0.1:8000" not in config
    assert "listen 127.0.0.1:9000;" in config
    assert "listen 80" not in config and "ssl" not in config and "return 301" not in config
    assert f"proxy_cache_path {prefix}/cache/tilmeld levels=1:2" in config
    assert "include /etc/nginx/proxy_params;" in config
    assert "proxy_cache tilmeld;" in config and "proxy_cache_valid 200 1s;" in config
    assert f"access_log {prefix}/log/tilmeld.access.log tilmeld_bench;" in config
    assert f"alias {static}/;" in config and f"alias {prefix}/lib/media/;" in config
    assert '"~\\.[0-9a-f]{12}\\.css$" "immutable";' in config
    assert not re.search(r"/(var|opt|etc/letsencrypt)/", config.replace("/etc/nginx/mime", ""))


@pytest.mark.skipif(not nginx.program(), reason="nginx is not installed")
def test_the_deploy_site_renders_into_a_config_nginx_accepts(tmp_path):
    config = nginx.render(["127.0.0.1:9001"], 9000, tmp_path, tmp_path / "static")
    for folder in nginx.folders(config, tmp_path):
        folder.mkdir(parents=True, exist_ok=True)
    (tmp_path / "nginx.conf").write_text(config)

    checked = subprocess.run(  # noqa: S603 - the system's nginx, a config of ours
        [nginx.program(), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", "stderr"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip

    assert checked.returncode == 0, checked.stderr
