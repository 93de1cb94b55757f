"""Where the CPU went during a run, from /proc (Linux; elsewhere the numbers are left out).

The load generator shares the box with the server and the database, and other programs may run
too, so wall-clock numbers alone cannot say what a registration costs."""

import os
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_seconds(pid: int) -> float:
    """User + system CPU seconds of one process, 0 when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # the name in parentheses may contain spaces
    return (int(fields[11]) + int(fields[12])) / TICK


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def machine_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, over all cores."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK, sum(values[:8]) / TICK


@dataclass
class Snapshot:
    at: float
    server: dict[int, float]  # pid -> CPU seconds: gunicorn master and workers
    client: float
    machine: tuple[float, float]

    @classmethod
    def take(cls, server_pid: int) -> "Snapshot":
        server = [server_pid, *children(server_pid)]
        return cls(
            at=time.perf_counter(),
            server={pid: process_seconds(pid) for pid in server},
            client=time.process_time(),
            machine=machine_seconds(),
        )


def usage(before: Snapshot, after: Snapshot, database: float) -> dict[str, float]:
    """CPU seconds spent between two snapshots; a process new since `before` counts in full.
    `database` is the CPU the database's backends spent meanwhile (see bench.waits)."""

    def spent(start: dict, end: dict) -> float:
        return sum(end[pid] - start.get(pid, 0.0) for pid in end)

    busy = after.machine[0] - before.machine[0]
    total = after.machine[1] - before.machine[1]
    result = {
        "server": spent(before.server, after.server),
        "database": database,
        "client": after.client - before.client,
        "machine_busy": busy,
        "cores": total / (after.at - before.at) if after.at > before.at else 0.0,
        "wall": after.at - before.at,
    }
    result["others"] = max(0.0, busy - result["server"] - result["database"] - result["client"])
    return result
