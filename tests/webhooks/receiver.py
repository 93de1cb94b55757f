"""A real HTTP server on 127.0.0.1 that keeps every request it is sent, as a webhook receiver
would see it (headers and the body's bytes), and answers with the status a test chooses. It can
hold its answer to a new webhook-id, so that a test can act while a sender waits for it."""

import http.server
import threading
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def webhook_id(self) -> str:
        return self.headers.get("webhook-id", "")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        request = Request(
            self.path, {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length)
        )
        status = self.server.receiver.receive(request)
        answer = b"ok" if 200 <= status < 300 else b"no thanks"
        self.send_response(status)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Receiver:
    def __init__(self, *, status: int = 200):
        self.status = status  # what every request is answered; or set `answers`
        self.answers: list[int] = []  # answered in order first, then `status`
        self.delay = 0.0  # seconds before answering
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._hold_from = None
        self.held = threading.Event()
        self.held_id = ""
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def counts(self) -> Counter:
        with self._lock:
            return Counter(r.webhook_id for r in self.requests)

    def distinct(self) -> int:
        return len(self.counts())

    def hold_first_new_from(self, distinct: int) -> None:
        """Holds the answer to the first request with a webhook-id not seen before, once at
        least `distinct` ids have been seen; `held` is set while it waits for release()."""
        with self._lock:
            self.held.clear()
            self._release.clear()
            self._hold_from = distinct

    def release(self) -> None:
        self._release.set()

    def receive(self, request: Request) -> int:
        with self._lock:
            new = request.webhook_id not in {r.webhook_id for r in self.requests}
            self.requests.append(request)
            hold = new and self._hold_from is not None and self.distinct_locked() > self._hold_from
            if hold:
                self._hold_from = None
                self.held_id = request.webhook_id
            status = self.answers.pop(0) if self.answers else self.status
        if hold:
            self.held.set()
            self._release.wait(timeout=30)
        elif self.delay:
            threading.Event().wait(self.delay)
        return status

    def distinct_locked(self) -> int:
        return len({r.webhook_id for r in self.requests})
