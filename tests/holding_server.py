"""What the tests' own servers on 127.0.0.1 share (the SMTP sink, the webhook receiver): a
thread serving them, a record of what arrived by its id (a Message-ID, a webhook-id), repeats
included, and holding the answer to a new id so that a test can act while a sender waits."""

import threading
from collections import Counter


class HoldingServer:
    def __init__(self, server):
        """`server`: a socketserver bound to ("127.0.0.1", 0); its handlers call arrive()."""
        self.ids: list[str] = []  # in the order they arrived, repeats included
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        self._hold_from = None
        self.held = threading.Event()
        self.held_id = ""
        self._release = threading.Event()
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.ids)

    def distinct(self) -> int:
        return len(self.counts())

    def hold_first_new_from(self, distinct: int) -> None:
        """Holds the answer to the first arrival with an id not seen before, once at least
        `distinct` ids have been seen; `held` is set while it waits for release()."""
        with self._lock:
            self.held.clear()
            self._release.clear()
            self._hold_from = distinct

    def release(self) -> None:
        self._release.set()

    def arrive(self, key: str, record=lambda: None):
        """Records an arrival of `key`, with `record()` run under the same lock (what else the
        server keeps of it); returns what record() returned and whether this arrival was held
        (after the wait for release())."""
        with self._lock:
            new = key not in self._seen
            self.ids.append(key)
            self._seen.add(key)
            hold = new and self._hold_from is not None and len(self._seen) > self._hold_from
            if hold:
                self._hold_from = None
                self.held_id = key
            result = record()
        if hold:
            self.held.set()
            self._release.wait(timeout=30)
        return result, hold
