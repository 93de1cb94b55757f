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


def changes_at(events, now=None) -> datetime | None:
    """The next instant the pages showing `events` change by the clock alone: registration opens
    or closes, the binding date comes, the event starts or ends (and leaves the upcoming list)."""
    from datetime import timedelta

    from django.utils import timezone

    now = now or timezone.now()
    instants = []
    for event in events:
        instants += [
            event.registration_opens_at,
            event.registration_ends_at,
            event.binding_at,
            event.starts_at,
            event.ends_at + timedelta(microseconds=1),  # upcoming until it has ended
            event.published_at,
        ]
    return min((t for t in instants if t is not None and t > now), default=None)


def listing_changes_at(now=None) -> datetime | None:
    """The next instant the public lists of events change by the clock alone: a scheduled event
    is published, or an upcoming one ends and moves to the archive. One query."""
    from datetime import timedelta

    from django.db.models import Min, Q
    from django.utils import timezone

    now = now or timezone.now()
    found = Event.objects.aggregate(
        published=Min("published_at", filter=Q(is_published=True, published_at__gt=now)),
        ends=Min("ends_at", filter=Q(is_published=True, ends_at__gte=now)),
    )
    ends = found["ends"] and found["ends"] + timedelta(microseconds=1)
    return min(filter(None, (found["published"], ends)), default=None)


def shows_live_figures(events, now=None) -> bool:
    """Is registration open for one of `events`? Then its page shows seats left or full, which
    change with every registration."""
    from tilmeld.events.enums import RegistrationState

    return any(event.registration_state(now) == RegistrationState.OPEN for event in events)
