from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

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


@dataclass(frozen=True)
class Slot:
    """Sessions starting at the same time: one, or several in parallel."""

    starts_at: datetime
    ends_at: datetime
    sessions: list

    @property
    def is_parallel(self) -> bool:
        return len(self.sessions) > 1


def programme(event: Event) -> list[Slot]:
    sessions = event.sessions.prefetch_related("speakers").order_by("starts_at", "room", "id")
    slots: list[Slot] = []
    for start, group in groupby(sessions, key=lambda s: s.starts_at):
        group = list(group)
        slots.append(Slot(start, max(s.ends_at for s in group), group))
    return slots


def speakers_of(slots: list[Slot]) -> list:
    """Each speaker once, in the order they first appear in the programme."""
    seen = {}
    for slot in slots:
        for session in slot.sessions:
            for speaker in session.speakers.all():
                seen.setdefault(speaker.pk, speaker)
    return list(seen.values())


def event_for_registration(slug: str, *, preview: bool = False) -> Event | None:
    """The event for its registration form, with its venue. The seat counter is not joined: the
    public form keeps this object for a moment (registrations.event_cache)."""
    events = Event.objects.all() if preview else Event.objects.published()
    return events.select_related("venue").filter(slug=slug).first()


def events_showing(obj) -> list[Event]:
    """The events not yet over whose pages and API data show `obj`: a venue, an organisation
    (organiser or co-organiser) or a speaker. Editing it changes them too."""
    from django.db.models import Q
    from django.utils import timezone

    from tilmeld.events.models import Organisation, Venue
    from tilmeld.events.programme import Speaker

    if isinstance(obj, Venue):
        showing = Q(venue=obj)
    elif isinstance(obj, Organisation):
        showing = Q(organiser=obj) | Q(co_organisers=obj)
    elif isinstance(obj, Speaker):
        showing = Q(sessions__speakers=obj)
    else:
        raise TypeError(obj)
    return list(Event.objects.filter(showing, ends_at__gte=timezone.now()).distinct())
