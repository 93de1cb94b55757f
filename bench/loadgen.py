"""A small asyncio HTTP/1.1 client and the virtual users of the registration rush.

Standard library only and cheap per request, because it shares the two cores with the server:
one keep-alive connection per virtual user, regexes instead of an HTML parser."""

import asyncio
import html
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

INPUT = re.compile(rb"<input\b[^>]*>", re.IGNORECASE)
ATTR = re.compile(rb'([a-zA-Z_:-]+)="([^"]*)"')
TIMEOUT = 60.0


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)


class Connection:
    """One persistent connection; reopens when the server closed it (sync workers always do)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> Response:
        reused = self.writer is not None
        try:
            return await self._exchange(method, path, headers, body)
        except (ConnectionError, asyncio.IncompleteReadError, EmptyReply):
            self.close()
            if not reused:
                raise
        # The server dropped an idle keep-alive connection before reading the request. Sending
        # it again is safe: a repeated form_token returns the first booking.
        return await self._exchange(method, path, headers, body)

    async def _exchange(self, method, path, headers, body) -> Response:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if body or method == "POST":
            head.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        await self.writer.drain()
        response = await self._read()
        if (response.header("connection") or "").lower() == "close":
            self.close()
        return response

    async def _read(self) -> Response:
        try:  # the whole head in one call: cheaper than a readline per header
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            if not error.partial:
                raise EmptyReply from error
            raise
        status_line, *lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = []
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        lookup = dict(headers)
        if "content-length" in lookup:
            body = await self.reader.readexactly(int(lookup["content-length"]))
        elif lookup.get("transfer-encoding", "").lower() == "chunked":
            body = await self._read_chunked()
        else:
            body = await self.reader.read()
            self.close()
        return Response(status, headers, body)

    async def _read_chunked(self) -> bytes:
        parts = []
        while size := int((await self.reader.readline()).split(b";")[0], 16):
            parts.append(await self.reader.readexactly(size))
            await self.reader.readline()
        while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(parts)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class EmptyReply(Exception):
    """The server closed the connection without answering."""


@dataclass
class Results:
    get_ms: list[float] = field(default_factory=list)
    post_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)  # "GET 503", "POST timeout", …
    acknowledged: list[str] = field(default_factory=list)  # e-mails whose POST got the 302


def hidden_fields(page: bytes) -> dict[str, str]:
    fields = {}
    for tag in INPUT.findall(page):
        attrs = {k.lower(): v for k, v in ATTR.findall(tag)}
        if attrs.get(b"type", b"").lower() == b"hidden" and b"name" in attrs:
            value = html.unescape(attrs.get(b"value", b"").decode())
            fields[attrs[b"name"].decode()] = value
    return fields


class FormValues(HTMLParser):
    """What a browser sends for the <form id=…>: inputs as filled in, ticked boxes, chosen
    options, textareas; no buttons, no files, not the inlines' `__prefix__` templates."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside = form_id, False
        self.values: dict[str, list[str]] = {}
        self._select: list | None = None  # name, multiple, first option
        self._textarea: str | None = None

    def _keep(self, name) -> bool:
        return self.inside and bool(name) and "__prefix__" not in name

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        elif tag == "input" and self._keep(name):
            kind = attrs.get("type", "text")
            ticks = kind in {"checkbox", "radio"}
            if kind in {"submit", "button", "reset", "image", "file"} or (
                ticks and "checked" not in attrs
            ):
                return
            self.values.setdefault(name, []).append(attrs.get("value") or ("on" if ticks else ""))
        elif tag == "select" and self._keep(name):
            self._select, self.values[name] = [name, "multiple" in attrs, None], []
        elif tag == "option" and self._select:
            if self._select[2] is None:
                self._select[2] = attrs.get("value", "")
            if "selected" in attrs:
                self.values[self._select[0]].append(attrs.get("value", ""))
        elif tag == "textarea" and self._keep(name):
            self._textarea, self.values[name] = name, [""]

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            name, multiple, first = self._select
            if not self.values[name] and not multiple and first is not None:
                self.values[name] = [first]
            self._select = None
        elif tag == "textarea" and self._textarea:
            value = self.values[self._textarea][0]
            self.values[self._textarea][0] = value.removeprefix("\n")  # as a browser does
            self._textarea = None


def form_values(page: bytes | str, form_id: str) -> dict[str, list[str]]:
    """What a browser sends for the <form id=`form_id`> of `page` (see FormValues)."""
    parser = FormValues(form_id)
    parser.feed(page.decode() if isinstance(page, bytes) else page)
    if not parser.values:
        raise ValueError(f"no <form id={form_id}> in the page")
    return parser.values


def set_cookies(jar: dict, response: Response) -> None:
    for name, value in response.headers:
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]


def person(number: int) -> dict[str, str]:
    return {
        "name": f"Rush Deltager {number}",
        "email": f"rush{number:06d}@bench.example",
        "organisation": "Bench Bibliotek",
        "job_title": "Bibliotekar",
        "phone": "12345678",
        "attending": "on",
        "consent": "on",
    }


async def _timed(results, method, conn, path, headers, body=b"") -> Response | None:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(TIMEOUT):
            response = await conn.request(method, path, headers, body)
    except TimeoutError:
        results.errors[f"{method} timeout"] += 1
        conn.close()
        return None
    except (OSError, EmptyReply, asyncio.IncompleteReadError, ValueError) as error:
        results.errors[f"{method} {type(error).__name__}"] += 1
        conn.close()
        return None
    (results.get_ms if method == "GET" else results.post_ms).append(
        (time.perf_counter() - started) * 1000
    )
    return response


async def virtual_user(
    host, port, path, numbers, results: Results, expect_post: int, extra=None
) -> None:
    """Registers one new person after another, each like a fresh browser: no cookies carried
    over, GET the form (CSRF cookie, token, form_token), then POST it."""
    conn = Connection(host, port)
    origin = f"http://{host}:{port}"
    try:
        for number in numbers:
            jar: dict[str, str] = {}
            headers = {"Accept": "text/html", "Accept-Language": "da"}
            page = await _timed(results, "GET", conn, path, headers)
            if page is None:
                continue
            if page.status != 200:
                results.errors[f"GET {page.status}"] += 1
                continue
            set_cookies(jar, page)
            data = hidden_fields(page.body) | person(number) | (extra or {})
            headers = {
                **headers,
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
                "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            }
            answer = await _timed(results, "POST", conn, path, headers, urlencode(data).encode())
            if answer is None:
                continue
            if answer.status == expect_post:
                results.acknowledged.append(data["email"])
            else:
                results.errors[f"POST {answer.status}"] += 1
    finally:
        conn.close()


async def rush(
    host, port, path, *, total: int, concurrency: int, extra=None, results: Results | None = None
) -> tuple[Results, float]:
    """Runs `total` registrations with `concurrency` virtual users; returns results, wall time.
    `extra`: more form fields for every registration (the price, options and payer); `results`:
    where to count, for a caller that watches the rush while it runs."""
    results = Results() if results is None else results
    numbers = iter(range(total))  # shared: a user takes the next number when it is free
    started = time.perf_counter()
    users = [
        virtual_user(host, port, path, numbers, results, expect_post=302, extra=extra)
        for _ in range(concurrency)
    ]
    progress = asyncio.create_task(_progress(results, total, started))
    try:
        await asyncio.gather(*users)
    finally:
        progress.cancel()
    return results, time.perf_counter() - started


async def _progress(results: Results, total: int, started: float) -> None:
    while True:
        await asyncio.sleep(5)
        done = len(results.acknowledged)
        elapsed = time.perf_counter() - started
        print(f"  … {done}/{total} acknowledged after {elapsed:.0f} s", flush=True)


async def warm_up(host, port, path, *, requests: int, concurrency: int) -> None:
    """GETs the form so that every worker and thread has loaded templates and connected to the
    database before the clock starts. Registers nobody."""

    async def fetch(count):
        conn = Connection(host, port)
        try:
            for _ in range(count):
                await conn.request("GET", path, {"Connection": "close"})
                conn.close()
        finally:
            conn.close()

    await asyncio.gather(*(fetch(requests // concurrency + 1) for _ in range(concurrency)))
