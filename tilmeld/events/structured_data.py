"""schema.org Event data for search engines."""

from tilmeld.core.markup import plain_teaser
from tilmeld.events.enums import RegistrationState
from tilmeld.events.models import Event

_STATUS = {True: "https://schema.org/EventCancelled", False: "https://schema.org/EventScheduled"}


def event_json_ld(event: Event, *, url: str, organiser_name: str) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "description": plain_teaser(event.summary or event.body, 60),
        "startDate": event.starts_at.isoformat(),
        "endDate": event.ends_at.isoformat(),
        "eventStatus": _STATUS[event.is_cancelled],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "url": url,
        "organizer": {
            "@type": "Organization",
            "name": event.organiser.name if event.organiser else organiser_name,
        },
    }
    if event.venue:
        data["location"] = {
            "@type": "Place",
            "name": event.venue.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": event.venue.street,
                "postalCode": event.venue.postcode,
                "addressLocality": event.venue.city,
                "addressCountry": "DK",
            },
        }
    if event.registration_state() == RegistrationState.OPEN:
        data["offers"] = {
            "@type": "Offer",
            "url": url,
            "availability": "https://schema.org/InStock",
            "validFrom": event.registration_opens_at.isoformat(),
        }
    return data
