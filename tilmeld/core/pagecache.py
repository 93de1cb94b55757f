"""The one cache of the public site: pages and the objects behind them, rendered once per change.

Everything kept here lives in the `default` cache (Redis when REDIS_URL is set, so every process
and host shares it) under a key carrying the site's version. Saving or deleting anything a public
page shows (the models in WATCHED) bumps the version with `cache.incr`: every process reads the
new number on its next request and renders afresh, none is told by a signal. The number is
bumped when the change is saved and again once it commits, as a request in between may have
read the old rows.

What changes with every registration (seats left, full or not) is not versioned: an entry that
shows it lasts at most LIVE_SECONDS (2). No entry outlives the next instant its page changes by
the clock alone (registration opening or closing, an event ending, a scheduled publication):
the view says when (`lasting`), and a read past it is a miss, whatever the cache backend keeps.

A process keeps the entries it read from the shared cache in memory too, under the same
versioned key and expiry, so a hit costs one read of the version. Without Redis every process
has a cache of its own: a change shows at once in the process that saved it and elsewhere within
TILMELD_PAGE_CACHE_SECONDS."""

import time
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "tilmeld:pages:version"
PREFIX = "tilmeld:pages"
LIVE_SECONDS = 2  # seats left and the full/open state: within two seconds
PAGE_PARAMS = frozenset({"page"})  # the only query parameter a cached page may have
LOCAL_ENTRIES = 500

# Saving or deleting one of these (app label, model) changes a public page or the registration
# form. Not the registrations themselves: they change only what LIVE_SECONDS covers.
WATCHED = (
    ("core", "SiteSettings"),
    ("core", "Page"),
    ("core", "PageVersion"),
    ("events", "Event"),
    ("events", "CoOrganiser"),
    ("events", "Organisation"),
    ("events", "Venue"),
    ("events", "Session"),
    ("events", "Speaker"),
    ("news", "Article"),
    ("pricing", "Price"),
    ("pricing", "Option"),
    ("pricing", "MemberOrganisation"),
    ("registrations", "Question"),
)

_local: dict[str, tuple[float, object]] = {}


def seconds() -> float:
    """How long a page or object is kept when nothing shown on it changes."""
    return settings.TILMELD_PAGE_CACHE_SECONDS


def max_age() -> int:
    return settings.TILMELD_PAGE_MAX_AGE


def shared_max_age() -> int:
    return settings.TILMELD_PROXY_CACHE_SECONDS


def version() -> int:
    found = cache.get(VERSION_KEY)
    if found is None:
        # A lost number starts from the clock, above every number used before it.
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        found = cache.get(VERSION_KEY)
    return found


def bump(**_kwargs) -> None:
    """Every page and object kept so far is out of date, in every process."""
    _bump()
    transaction.on_commit(_bump)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no number yet (or it was evicted): start one
        version()
        cache.incr(VERSION_KEY)


def connect() -> None:
    for label, name in WATCHED:
        model = apps.get_model(label, name)
        uid = f"pagecache-{label}-{name}"
        post_save.connect(bump, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(bump, sender=through, dispatch_uid=f"{uid}-{field.name}")


def _get(key: str):
    now = time.time()
    if (hit := _local.get(key)) and hit[0] > now:
        return hit[1]
    entry = cache.get(key)
    if entry is None or entry[0] <= now:
        return None
    _remember(key, entry[0], entry[1])
    return entry[1]


def _put(key: str, value, *, lasts: float, until: datetime | None = None) -> None:
    now = time.time()
    expires = now + min(lasts, seconds())
    if until is not None:
        expires = min(expires, until.timestamp())
    if expires <= now:
        return
    cache.set(key, (expires, value), max(expires - now, 0.001))
    _remember(key, expires, value)


def _remember(key: str, expires: float, value) -> None:
    if len(_local) >= LOCAL_ENTRIES:
        now = time.time()
        for stale in [k for k, (at, _v) in _local.items() if at <= now] or list(_local)[:100]:
            _local.pop(stale, None)
    _local[key] = (expires, value)


def clear_local() -> None:
    _local.clear()


def kept(name: str, build: Callable[[], object], *, lasts: float | None = None):
    """The object `build()` returns, built once per version (and at most every `lasts`
    seconds) for the whole site. None is not kept. Shared between threads: never change it."""
    key = f"{PREFIX}:{version()}:obj:{name}"
    found = _get(key)
    if found is not None:
        return found
    value = build()
    if value is not None:
        _put(key, value, lasts=seconds() if lasts is None else lasts)
    return value


# Pages


def shareable(request) -> bool:
    """May this request get (and make) the page every anonymous visitor gets? Not with a session
    (a logged-in user, staff previews), a flash message waiting, a POST, or query parameters
    other than the page number."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and set(request.GET) <= PAGE_PARAMS
        and all(len(v) <= 6 and v.isdigit() for v in request.GET.values())
    )


def lasting(response: HttpResponse, *, until: datetime | None = None, live: bool = False):
    """Marks what the page shows: `until`, the next instant it changes by the clock alone;
    `live`, figures that change with each registration (seats left, full)."""
    response.pagecache_until = until
    response.pagecache_live = live
    return response


def page_key(request, name: str = "page") -> str:
    # The scheme and host too: the page's structured data carries absolute addresses.
    where = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"{PREFIX}:{version()}:{name}:{get_language()}:{where}"


def public_page(view):
    """A public page: served from the cache to anonymous visitors, rendered once per change.
    Others get it rendered for them, marked for no one else to keep."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not shareable(request):
            response = view(request, *args, **kwargs)
            return private(response) if request.method in ("GET", "HEAD") else response
        key = page_key(request)
        if (entry := _get(key)) is not None:
            content, content_type, expires = entry
            return _public(HttpResponse(content, content_type=content_type), expires)
        response = view(request, *args, **kwargs)
        if response.status_code != 200 or not _storable(request, response):
            return response
        lasts = LIVE_SECONDS if getattr(response, "pagecache_live", False) else seconds()
        until = getattr(response, "pagecache_until", None)
        expires = time.time() + min(lasts, seconds())
        if until is not None:
            expires = min(expires, until.timestamp())
        entry = (response.content, response["Content-Type"], expires)
        _put(key, entry, lasts=lasts, until=until)
        return _public(response, expires)

    return wrapper


def _storable(request, response) -> bool:
    """Nothing personal made it into the page: no CSRF token, no cookie, no session touched."""
    session = getattr(request, "session", None)
    return (
        not getattr(response, "streaming", False)
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not response.has_header("Cache-Control")
    )


def _public(response: HttpResponse, expires: float) -> HttpResponse:
    """Browsers may keep it a short while, never past the cache entry; a shared cache in front
    (nginx's in deploy/, a CDN) for TILMELD_PROXY_CACHE_SECONDS at most, so that a change shows
    through it within those seconds, as it does here at once."""
    now = time.time()
    age = max(0, min(max_age(), int(expires - now)))
    patch_cache_control(response, public=True, max_age=age, s_maxage=min(shared_max_age(), age))
    patch_vary_headers(response, ("Cookie",))
    response["X-Accel-Expires"] = proxy_expires(now, expires)
    return response


def proxy_expires(now: float, expires: float) -> str:
    """nginx's own header, which it reads before Cache-Control and never passes on. nginx counts
    whole seconds and keeps an entry through the last second it names (s-maxage=1 may last
    almost 2 s), so it is told the last whole second that ends before the cache entry does and
    before TILMELD_PROXY_CACHE_SECONDS have passed; "0" (do not keep) when there is none."""
    last = int(min(expires, now + shared_max_age())) - 1
    return f"@{last}" if last >= int(now) else "0"


def private(response: HttpResponse) -> HttpResponse:
    """Rendered for this visitor alone: no proxy or browser keeps it."""
    patch_cache_control(response, private=True, no_store=True)
    return response


# The registration form: one rendering shared, a CSRF token and a form token filled per visitor.


def form_page(name: str, render: Callable[[], str], *, until: datetime | None = None) -> str:
    """The HTML `render()` returns, shared for LIVE_SECONDS (it shows seats left) and never past
    `until`."""
    key = f"{PREFIX}:{version()}:form:{get_language()}:{name}"
    if (html := _get(key)) is not None:
        return html
    html = render()
    _put(key, html, lasts=LIVE_SECONDS, until=until)
    return html
