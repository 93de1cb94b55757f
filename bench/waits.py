"""What the bench database's backends are doing, sampled from pg_stat_activity during a run.

Idle backends wait for the app (CPU in Python), `Lock` ones wait for another transaction (the
seat row lock), `IO:WALSync` ones for the commit's flush to disk. The same samples follow each
backend's CPU time, also of backends that end during the run (CONN_MAX_AGE)."""

import threading
from collections import Counter

import psycopg

from bench.cpu import process_seconds

QUERY = """
    SELECT pid, state, wait_event_type, wait_event FROM pg_stat_activity
    WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'
"""


class Sampler(threading.Thread):
    def __init__(self, conninfo: dict, database: str, interval: float = 0.05):
        super().__init__(daemon=True)
        self.conninfo, self.database, self.interval = conninfo, database, interval
        self.samples: Counter = Counter()
        self.first_cpu: dict[int, float] = {}  # pid -> CPU seconds when first seen
        self.last_cpu: dict[int, float] = {}
        self.done = threading.Event()
        self.ready = threading.Event()

    def run(self) -> None:
        with psycopg.connect(**self.conninfo, autocommit=True) as conn:
            self._sample(conn, baseline=True)
            self.ready.set()
            while not self.done.wait(self.interval):
                self._sample(conn)
            self._sample(conn)

    def _sample(self, conn, baseline: bool = False) -> None:
        for pid, state, wait_type, wait in conn.execute(QUERY, [self.database]).fetchall():
            seconds = process_seconds(pid)
            if seconds:
                # A backend born during the run counts from zero: all its work is the run's.
                self.first_cpu.setdefault(pid, seconds if baseline else 0.0)
                self.last_cpu[pid] = seconds
            if not baseline:
                self.samples[label(state, wait_type, wait)] += 1

    def start(self) -> None:
        super().start()
        self.ready.wait(timeout=10)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.last_cpu[pid] - self.first_cpu[pid] for pid in self.last_cpu)

    def stop(self) -> Counter:
        self.done.set()
        self.join(timeout=5)
        return self.samples


def label(state: str | None, wait_type: str | None, wait: str | None) -> str:
    if state == "active":
        return f"active, waiting on {wait_type}:{wait}" if wait_type else "active on CPU"
    if state == "idle in transaction":
        return "idle in transaction (app works, locks held)"
    return "idle (waiting for the app)"


def line(samples: Counter) -> str:
    total = sum(samples.values())
    if not total:
        return "  DB backends       (no samples)"
    parts = [f"{n / total * 100:.0f}% {what}" for what, n in samples.most_common(6)]
    return "  DB backends       " + "\n                    ".join(parts)
