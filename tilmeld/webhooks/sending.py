"""One HTTP POST of a webhook, to an address urls_guard checked: connects to that address (the
name is not looked up again), sends the Host header and, over https, checks the certificate for
the name in the URL. Follows no redirect. Gives up after CONNECT_TIMEOUT seconds without a
connection and TOTAL_TIMEOUT seconds in all, however slowly the receiver answers."""

import contextlib
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass

from tilmeld.webhooks.urls_guard import Target

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
KEPT_BODY = 500  # characters of a receiver's answer kept for staff
USER_AGENT = "Tilmeld-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int
    text: str  # the start of the body


class _Pinned(http.client.HTTPConnection):
    def __init__(self, target: Target, address: str, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedTLS(_Pinned):
    _context = ssl.create_default_context()

    def connect(self):
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


def _connect(target: Target, deadline: float) -> _Pinned:
    """The first of the target's addresses that accepts a connection."""
    kind = _PinnedTLS if target.scheme == "https" else _Pinned
    error = None
    for address in target.addresses:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        connection = kind(target, address, timeout=min(CONNECT_TIMEOUT, left))
        try:
            connection.connect()
            return connection
        except TimeoutError as slow:
            connection.close()
            error = TimeoutError(f"no connection within {CONNECT_TIMEOUT:g} s")
            error.__cause__ = slow
        except OSError as refused:
            connection.close()
            error = refused
    raise error or TimeoutError(f"no connection within {TOTAL_TIMEOUT:g} s")


def post(target: Target, body: bytes, headers: dict[str, str]) -> Answer:
    """POSTs `body`; returns the receiver's status and the start of its answer. Raises OSError
    (a TimeoutError after TOTAL_TIMEOUT) or http.client.HTTPException."""
    deadline = time.monotonic() + TOTAL_TIMEOUT
    connection = _connect(target, deadline)
    expired = threading.Event()

    def cut_off():
        # Wakes a read that a slow receiver keeps waiting: a socket timeout alone limits each
        # read, not the whole answer.
        expired.set()
        with contextlib.suppress(OSError):  # closed already
            connection.sock.shutdown(socket.SHUT_RDWR)

    watchdog = threading.Timer(max(deadline - time.monotonic(), 0), cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.sock.settimeout(max(deadline - time.monotonic(), 0.001))
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        response = connection.getresponse()
        try:  # the status decides; the body is only kept for staff to read
            text = response.read(KEPT_BODY * 4).decode("utf-8", "replace")[:KEPT_BODY]
        except (OSError, http.client.HTTPException):
            text = ""
        return Answer(response.status, text)
    except (OSError, http.client.HTTPException) as error:
        # The socket's own timeout (set to what is left) may strike just before the watchdog.
        if expired.is_set() or isinstance(error, TimeoutError):
            raise TimeoutError(f"no complete answer within {TOTAL_TIMEOUT:g} s") from error
        raise
    finally:
        watchdog.cancel()
        connection.close()
