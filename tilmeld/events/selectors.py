from django.db.models import Prefetch

from tilmeld.events.models import CoOrganiser, Event


def _with_relations(events):
    links = CoOrganiser.objects.select_related("organisation")
    # seat_count is the registrations app's running total: one join instead of a query per card.
    return events.select_related("venue", "organiser", "seat_count").prefetch_related(
        Prefetch("co_organiser_links", queryset=links)
    )


def upcoming_events(now=None):
    return _with_relations(Event.objects.published(now).upcoming(now))


def past_events(now=None):
    return _with_relations(Event.objects.published(now).past(now))


def event_for_page(slug: str, *, preview: bool = False) -> Event | None:
    events = Event.objects.all() if preview else Event.objects.published()
    return _with_relations(events).filter(slug=slug).first()
