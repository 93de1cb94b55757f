"""`make bench-rush` runs from a clean checkout: a small rush through gunicorn on PostgreSQL."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith("postgres"), reason="the rush runs on PostgreSQL"
)


def test_small_rush_reports_nothing_oversold_or_lost():
    bench_db = DATABASE_URL.rsplit("/", 1)[0] + f"/tilmeld_bench_smoke_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "-m", "bench.rush", "-n", "60", "-c", "6", "-k", "20"]
    result = subprocess.run(  # noqa: S603 - our own benchmark, fixed arguments
        [*command, "--database-url", bench_db],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "confirmed 20" in lines
    assert "waiting list 40 (distinct positions 40)" in lines
    assert "oversold 0" in lines
    assert "lost 0" in lines
    assert any(line.startswith("yardstick a bare Django view") for line in lines)
