"""A real SMTP server on 127.0.0.1 that keeps what it is sent, speaking just enough SMTP for
smtplib (EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no auth). It can hold its reply to the end of a
mail's DATA, so that a test can act while a client is in the middle of a send."""

import contextlib
import socketserver
import threading
from collections import Counter
from email.parser import BytesHeaderParser


class _Session(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        with contextlib.suppress(OSError):  # a killed client: what arrived is kept
            self.converse()

    def converse(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line[:4].decode("ascii", "replace").upper()
            if verb == "EHLO":
                self.reply("250-sink\r\n250 8BITMIME")
            elif verb in ("HELO", "MAIL", "RCPT", "RSET", "NOOP"):
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data := self.rfile.readline()) != b".\r\n":
                    if not data:
                        return
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.server.sink.receive(b"".join(lines))
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self):
        self._lock = threading.Lock()
        self.message_ids: list[str] = []  # in the order the mails arrived, repeats included
        self._hold_from = None
        self.held = threading.Event()
        self.held_id = ""
        self._release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Session)
        self._server.sink = self
        self.port = self._server.server_address[1]
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
            return Counter(self.message_ids)

    def distinct(self) -> int:
        return len(self.counts())

    def hold_first_new_from(self, distinct: int) -> None:
        """Holds the reply to the first mail with a Message-ID not seen before, once at least
        `distinct` Message-IDs have been seen; `held` is set while it waits for release()."""
        with self._lock:
            self.held.clear()
            self._release.clear()
            self._hold_from = distinct

    def release(self) -> None:
        self._release.set()

    def receive(self, raw: bytes) -> None:
        message_id = BytesHeaderParser().parsebytes(raw)["Message-ID"] or ""
        with self._lock:
            new = message_id not in self.message_ids
            self.message_ids.append(message_id)
            hold = (
                new
                and self._hold_from is not None
                and len(set(self.message_ids)) > (self._hold_from)
            )
            if hold:
                self._hold_from = None
                self.held_id = message_id
        if hold:
            self.held.set()
            self._release.wait(timeout=30)
