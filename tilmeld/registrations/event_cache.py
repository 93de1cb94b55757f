"""The public registration form's event and form options, kept in this process for a moment.

In a rush every POST needs the same event, questions and session slots; reading them each time
was a third of a registration's cost. A staff change reaches this process at once (the signals
below) and the other processes within `ttl()` seconds (setting TILMELD_EVENT_CACHE_SECONDS,
2 by default), as the shared form page does. Nothing
kept here decides a seat: capacity and the waiting-list switch are read again under the seat
lock. The objects are shared between threads and must not be changed."""

import time

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from tilmeld.core.terms import current_terms
from tilmeld.events.selectors import event_for_registration
from tilmeld.registrations.selectors import form_options

_entries: dict[str, tuple[float, object, dict]] = {}


def ttl() -> float:
    return getattr(settings, "TILMELD_EVENT_CACHE_SECONDS", 2)


def lookup(slug: str):
    """(event, form options) of a published event, or None."""
    now = time.monotonic()
    if (hit := _entries.get(slug)) and hit[0] > now:
        return hit[1], hit[2]
    event = event_for_registration(slug)
    if event is None:
        return None
    # With the privacy policy and terms the form links to and the booking records (a changed
    # text empties the cache, as below; the form sends back the versions it showed).
    options = {**form_options(event), "terms": current_terms()}
    if ttl() > 0:
        _entries[slug] = (now + ttl(), event, options)
    return event, options


def clear(**_kwargs) -> None:
    _entries.clear()


def _changed(**_kwargs) -> None:
    """Cleared at once, and again after the change commits: a request in another thread may
    have read the old rows in between."""
    clear()
    transaction.on_commit(clear)


def connect() -> None:
    """Any saved or deleted event, question, session, price, option, member organisation, page
    or page version empties the cache of this process."""
    from tilmeld.core.models import Page, PageVersion
    from tilmeld.events.models import Event, Session
    from tilmeld.pricing.models import MemberOrganisation, Option, Price
    from tilmeld.registrations.models import Question

    for model in (Event, Question, Session, Price, Option, MemberOrganisation, Page, PageVersion):
        uid = f"event-cache-{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
