"""`make bench-invoices` runs from a clean checkout and reports its numbers (a few invoices on
a throwaway SQLite file; the numbers themselves are never asserted)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_few_invoices_are_issued_rendered_and_validated():
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    result = subprocess.run(
        [sys.executable, "-m", "bench.invoices", "--count", "4", "--validate", "2"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert "invoices: 4 issued, 6 lines" in lines
    assert [line.split(" ")[0] for line in lines if line.endswith("ms each")][:4] == [
        "issue",
        "PDF",
        "OIOUBL",
        "Peppol",
    ]
    validated = [line for line in lines if line.startswith("validation ")]
    assert validated == [] or all("0 fatal findings" in line for line in validated[:2])
