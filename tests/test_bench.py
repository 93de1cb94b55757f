"""The `make bench…` commands run from a clean checkout and report their numbers (the numbers
themselves are never asserted)."""

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

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

    lines = bench("bench.rush", "-n", "60", "-c", "6", "-k", "20", "--database-url", bench_db)

    assert "confirmed 20" in lines
    assert "waiting list 40 (distinct positions 40)" in lines
    assert "oversold 0" in lines
    assert "lost 0" in lines
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
    assert any(line.startswith("during a rush ≥ 70% of that") for line in lines)


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
