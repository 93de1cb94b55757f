"""The public registration form's event and form options, kept in the site's cache
(core.pagecache) for a moment.

In a rush every POST needs the same event, questions and session slots; reading them each time
was a third of a registration's cost. A staff change (any model pagecache watches) reaches
every process at once through the site's version; a change no signal announces (a queryset
update, another program) within LIVE_SECONDS (2). Nothing kept here decides a seat: capacity
and the waiting-list switch are read again under the seat lock. The objects are shared between
threads and must not be changed."""

from tilmeld.core import pagecache
from tilmeld.core.terms import current_terms
from tilmeld.events.selectors import event_for_registration
from tilmeld.registrations.selectors import form_options


def lookup(slug: str):
    """(event, form options) of a published event, or None."""
    return pagecache.kept(f"registration:{slug}", lambda: _build(slug), lasts=ttl())


def ttl() -> float:
    return pagecache.LIVE_SECONDS


def _build(slug: str):
    event = event_for_registration(slug)
    if event is None:
        return None
    # With the privacy policy and terms the form links to and the booking records (a changed
    # text is a new version of the site; the form sends back the versions it showed).
    return event, {**form_options(event), "terms": current_terms()}
