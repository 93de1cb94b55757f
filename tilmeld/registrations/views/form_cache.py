"""The empty registration form, rendered once per event and language for every visitor.

A rush is mostly people fetching the same empty form. It differs between visitors only in its
CSRF token and form token, so the page is rendered with two marks in their place (kept by
core.pagecache.form_page for two seconds) and each visitor gets a copy with fresh values. What
can go stale for two seconds is the "seats left" text; the seat itself is always decided under
the lock when the form is sent."""

import uuid

from django.middleware.csrf import get_token

from tilmeld.core import pagecache

CSRF_MARK = "csrf-mark-3c7e2b"
TOKEN_MARK = "00000000-0000-4000-8000-0000000c0ffe"  # noqa: S105 - a mark, not a secret


def applies(request) -> bool:
    """Only the plain page an anonymous visitor opens; never a staff view, a bound form or one
    with a flash message waiting."""
    return pagecache.shareable(request) and not request.GET


def fill(html: str, request) -> str:
    return html.replace(CSRF_MARK, get_token(request)).replace(TOKEN_MARK, str(uuid.uuid4()))
