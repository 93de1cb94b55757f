"""A real HTTP server on 127.0.0.1 that keeps every request it is sent, as a webhook receiver
would see it (headers and the body's bytes), and answers with the status a test chooses. It can
hold its answer to a new webhook-id, so that a test can act while a sender waits for it."""

import http.server
import threading
from dataclasses import dataclass

from tests.holding_server import HoldingServer


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


class Receiver(HoldingServer):
    def __init__(self, *, status: int = 200):
        self.status = status  # what every request is answered; or set `answers`
        self.answers: list[int] = []  # answered in order first, then `status`
        self.delay = 0.0  # seconds before answering
        self.requests: list[Request] = []
        server = _Server(("127.0.0.1", 0), _Handler)
        server.receiver = self
        super().__init__(server)
        self.url = f"http://127.0.0.1:{self.port}/hooks"

    def receive(self, request: Request) -> int:
        def record():
            self.requests.append(request)
            return self.answers.pop(0) if self.answers else self.status

        status, held = self.arrive(request.webhook_id, record)
        if self.delay and not held:
            threading.Event().wait(self.delay)
        return status
