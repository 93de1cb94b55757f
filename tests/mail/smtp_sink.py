"""A real SMTP server on 127.0.0.1 that keeps what it is sent, speaking just enough SMTP for
smtplib (EHLO, MAIL, RCPT, DATA, QUIT; no TLS, no auth). It can hold its reply to the end of a
mail's DATA, so that a test can act while a client is in the middle of a send."""

import contextlib
import socketserver
from email.parser import BytesHeaderParser

from tests.holding_server import HoldingServer


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


class SmtpSink(HoldingServer):
    def __init__(self):
        server = _Server(("127.0.0.1", 0), _Session)
        server.sink = self
        super().__init__(server)

    @property
    def message_ids(self) -> list[str]:
        return self.ids

    def receive(self, raw: bytes) -> None:
        self.arrive(BytesHeaderParser().parsebytes(raw)["Message-ID"] or "")
