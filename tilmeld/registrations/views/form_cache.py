"""The empty registration form, rendered once per event and language every two seconds.

A rush is mostly people fetching the same empty form. It differs between visitors only in its
CSRF token and form token, so the page is rendered with two marks in their place and each
visitor gets a copy with fresh values. What can go stale for two seconds is the "seats left"
text; the seat itself is always decided under the lock when the form is sent."""

import uuid

from django.core.cache import cache
from django.middleware.csrf import get_token

CSRF_MARK = "csrf-mark-3c7e2b"
TOKEN_MARK = "00000000-0000-4000-8000-0000000c0ffe"  # noqa: S105 - a mark, not a secret
TTL = 2


def applies(request) -> bool:
    """Only the plain page an anonymous visitor opens; never a staff view, a bound form or one
    with a flash message waiting."""
    return (
        request.method == "GET"
        and not request.GET
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def key(slug: str, language: str) -> str:
    return f"tilmeld:registration-form:{language}:{slug}"


def get(slug: str, language: str) -> str | None:
    return cache.get(key(slug, language))


def store(slug: str, language: str, html: str) -> None:
    cache.set(key(slug, language), html, TTL)


def fill(html: str, request) -> str:
    return html.replace(CSRF_MARK, get_token(request)).replace(TOKEN_MARK, str(uuid.uuid4()))
