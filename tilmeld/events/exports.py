"""Event files for download: pure functions returning bytes."""

from django.core.files.storage import default_storage
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from tilmeld.core.markup import plain_teaser
from tilmeld.events.models import Event

PRODID = "-//Tilmeld//Tilmeld//DA"


def _calendar() -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _calendar_event(event: Event, *, url: str, uid_host: str) -> CalendarEvent:
    item = CalendarEvent()
    item.add("uid", f"event-{event.pk}@{uid_host}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("description", f"{plain_teaser(event.summary or event.body, 60)}\n\n{url}")
    item.add("url", url)
    if event.venue:
        item.add("location", ", ".join(p for p in (event.venue.name, event.venue.address) if p))
    item.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return item


def event_ics(event: Event, *, url: str, uid_host: str) -> bytes:
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    calendar.add_component(_calendar_event(event, url=url, uid_host=uid_host))
    return calendar.to_ical()


def session_ics(session, *, url: str, uid_host: str) -> bytes:
    calendar = _calendar()
    calendar.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"session-{session.pk}@{uid_host}")
    item.add("dtstamp", timezone.now())
    item.add("dtstart", session.starts_at)
    item.add("dtend", session.ends_at)
    item.add("summary", f"{session.title} – {session.event.title}")
    item.add("description", f"{plain_teaser(session.description, 60)}\n\n{url}".strip())
    item.add("url", url)
    item.add("status", "CANCELLED" if session.event.is_cancelled else "CONFIRMED")
    venue = session.event.venue
    where = (venue.name, venue.address) if venue else ()
    place = ", ".join(p for p in (session.room, *where) if p)
    if place:
        item.add("location", place)
    calendar.add_component(item)
    return calendar.to_ical()


def events_feed_ics(events, *, url_for, uid_host: str, name: str) -> bytes:
    """All upcoming events as one subscribable calendar."""
    calendar = _calendar()
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    calendar.add("refresh-interval;value=duration", "PT6H")
    for event in events:
        calendar.add_component(_calendar_event(event, url=url_for(event), uid_host=uid_host))
    return calendar.to_ical()


MEDIA_SCHEME = "media:"


def media_url(name: str) -> str:
    """A stored file's address inside a generated PDF: read through the file storage (a local
    folder or a bucket), never by a path on this host's disk."""
    return MEDIA_SCHEME + name


def programme_pdf(html: str, *, base_url: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StorageFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(MEDIA_SCHEME):
                name = url.removeprefix(MEDIA_SCHEME)
                with default_storage.open(name, "rb") as stored:
                    return URLFetcherResponse(url, stored.read(), {})
            return super().fetch(url, headers)

    return HTML(string=html, base_url=base_url, url_fetcher=StorageFetcher()).write_pdf()
