"""Every rate limit of the site, and the one place that counts them.

Counts live in the "ratelimit" cache (settings.CACHES): Redis when REDIS_URL is set, else a
table in the database, so every app process counts together. django-ratelimit does the
counting (fixed windows, staggered per key; IPv6 addresses counted per /64 network); this
module names the limits, reads their rates from the settings and answers 429 with Retry-After.

Two ways to count:
- `hit` counts every attempt (registrations sent, reminders mailed, API requests);
- `peek` before a lookup and `hit` after a failed one count only failures (wrong manage links,
  unknown check-in codes): a right answer costs nothing, and an address over the limit is
  refused every lookup until the window ends, so guessing stops there; a manage link this
  browser has opened before still opens (`look_up`).

Callers ask this module; they never build cache keys or read the rates themselves."""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.checks import Error
from django.http import Http404
from django.shortcuts import render
from django.utils.crypto import salted_hmac
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage
from django_ratelimit.exceptions import Ratelimited

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    """A named limit; its rate is the setting's "COUNT/PERIOD" (or, for the API's two
    integer settings, requests a minute). An empty rate or 0 turns it off."""

    name: str
    setting: str

    def rate(self) -> str | None:
        value = getattr(settings, self.setting)
        if isinstance(value, int):
            return f"{value}/m" if value > 0 else None
        value = (value or "").strip()
        if not value or value.split("/", 1)[0] == "0":
            return None
        return value


LINK_FAILURES = Rule("link-failures", "TILMELD_RATE_LINK_FAILURES")
REGISTER_ADDRESS = Rule("register-address", "TILMELD_RATE_REGISTER_ADDRESS")
REGISTER_EMAIL = Rule("register-email", "TILMELD_RATE_REGISTER_EMAIL")
REMINDER_ADDRESS = Rule("reminder-address", "TILMELD_RATE_REMINDER_ADDRESS")
REMINDER_EMAIL = Rule("reminder-email", "TILMELD_RATE_REMINDER_EMAIL")
CHECKIN_FAILURES = Rule("checkin-failures", "TILMELD_RATE_CHECKIN_FAILURES")
API_TOKEN = Rule("api-token", "TILMELD_API_RATE_TOKEN")
API_PUBLIC = Rule("api-public", "TILMELD_API_RATE_PUBLIC")
RULES = [
    LINK_FAILURES,
    REGISTER_ADDRESS,
    REGISTER_EMAIL,
    REMINDER_ADDRESS,
    REMINDER_EMAIL,
    CHECKIN_FAILURES,
    API_TOKEN,
    API_PUBLIC,
]


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until the window ends, when not allowed

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)


def client_address(request) -> str:
    """The client's address: the connection's own, or with TILMELD_NUM_PROXIES proxies in
    front, the one the outermost of them saw (X-Forwarded-For, read from the right, so a
    client cannot choose it). The API's throttles (NINJA_NUM_PROXIES) read it the same way."""
    remote = request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 (a key, not a bind)
    proxies = settings.TILMELD_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote


def _usage(request, rule: Rule, who: str | None, *, increment: bool) -> Verdict:
    rate = rule.rate()
    if rate is None:
        return ALLOWED
    key = "ip" if who is None else (lambda group, request: who)
    usage = get_usage(request, group=rule.name, key=key, rate=rate, increment=increment)
    if usage is None or not usage["should_limit"]:
        return ALLOWED
    return Verdict(False, max(usage["time_left"], 1))


def hit(request, rule: Rule, who: str | None = None) -> Verdict:
    """Counts one attempt for `who` (the client address when None) and says whether it is
    still within the limit."""
    return _usage(request, rule, who, increment=True)


def peek(request, rule: Rule, who: str | None = None) -> Verdict:
    """Whether `who` is within the limit now, without counting: after exactly COUNT failures
    one more lookup is allowed, and if it fails too, `hit` refuses it and all that follow."""
    return _usage(request, rule, who, increment=False)


class Refused(Ratelimited):
    """Raised by a view over a limit; RatelimitMiddleware answers it with `refused_view`."""

    def __init__(self, verdict: Verdict):
        super().__init__()
        self.verdict = verdict


def refused_view(request, exception: Refused):
    return too_many(request, exception.verdict)


def look_up(request, rule: Rule, find: Callable[[str], T | None], secret: str) -> T:
    """`find(secret)`, counting only failures against `rule` for the client address: a
    found object is returned, a miss is a 404. An address over the limit gets 429 for every
    lookup until the window ends, except for a link this browser has opened before (the
    known-links cookie): guessing stops, and no one is locked out of their own link."""
    verdict = peek(request, rule)
    digest = _link_digest(secret)
    if not verdict and digest not in _known_links(request):
        raise Refused(verdict)
    found = find(secret)
    if found is not None:
        request.tilmeld_opened_link = digest  # KnownLinksMiddleware remembers it
        return found
    verdict = hit(request, rule)
    if not verdict:
        raise Refused(verdict)
    raise Http404


KNOWN_LINKS_COOKIE = "tilmeld_links"
KNOWN_LINKS_KEPT = 10


def _link_digest(secret: str) -> str:
    # Not the secret itself: the cookie only has to recognise a link, never to reveal one.
    return salted_hmac(KNOWN_LINKS_COOKIE, secret).hexdigest()[:24]


def _known_links(request) -> list[str]:
    value = request.get_signed_cookie(KNOWN_LINKS_COOKIE, default="", salt=KNOWN_LINKS_COOKIE)
    return [digest for digest in value.split(".") if digest]


class KnownLinksMiddleware:
    """Remembers, in a signed cookie, the last few secret links this browser has opened, so
    that `look_up` can let them through even when the address is over its limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        digest = getattr(request, "tilmeld_opened_link", None)
        if digest and response.status_code < 400:
            known = _known_links(request)
            if digest not in known:
                response.set_signed_cookie(
                    KNOWN_LINKS_COOKIE,
                    ".".join([digest, *known][:KNOWN_LINKS_KEPT]),
                    salt=KNOWN_LINKS_COOKIE,
                    max_age=365 * 24 * 3600,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
        return response


def email_key(email: str) -> str:
    return "email:" + (email or "").strip().lower()


def wait_text(verdict: Verdict) -> str:
    minutes = max(math.ceil(verdict.retry_after / 60), 1)
    return ngettext(
        "Too many attempts. Please try again in %(minutes)s minute.",
        "Too many attempts. Please try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def with_retry_after(response, verdict: Verdict):
    response.status_code = 429
    response["Retry-After"] = str(verdict.retry_after)
    return response


def too_many(request, verdict: Verdict):
    """The public page for a refused request: 429, Retry-After, and when to come back."""
    response = render(request, "429.html", {"wait_text": wait_text(verdict)}, status=429)
    return with_retry_after(response, verdict)


RATE = re.compile(r"\d+/\d*[smhd]")


def check_rates(app_configs=None, **kwargs) -> list[Error]:
    """A rate that cannot be read is found at start, not at the first request."""
    return [
        Error(f"{rule.setting}={rate!r} is not a rate such as '20/10m'.", id="tilmeld.E101")
        for rule in RULES
        if (rate := rule.rate()) is not None and not RATE.fullmatch(rate)
    ]
