"""Public: upcoming events with their registration state, prices and programme. No token."""

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404
from ninja import Router

from tilmeld.api import schemas
from tilmeld.events import selectors as events
from tilmeld.events.models import Event
from tilmeld.pricing import rules as pricing
from tilmeld.pricing.models import Option, Price
from tilmeld.registrations import selectors as registrations

router = Router(tags=["events"])


def _with_prices(queryset):
    return queryset.prefetch_related(
        Prefetch("prices", queryset=Price.objects.order_by("position", "id")),
        Prefetch("options", queryset=Option.objects.order_by("position", "id")),
    )


def _organisation(organisation) -> dict | None:
    if organisation is None:
        return None
    return {"name": organisation.name, "url": organisation.url}


def event_data(event: Event) -> dict:
    seats = registrations.availability(event)
    venue = event.venue
    return {
        "slug": event.slug,
        "title": event.title,
        "summary": event.summary,
        "url": settings.SITE_URL + event.get_absolute_url(),
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": venue
        and {
            "name": venue.name,
            "street": venue.street,
            "postcode": venue.postcode,
            "city": venue.city,
        },
        "organiser": _organisation(event.organiser),
        "co_organisers": [
            _organisation(link.organisation) for link in event.co_organiser_links.all()
        ],
        "contact_email": event.contact_email,
        "registration": {
            "state": seats.state,
            "opens_at": event.registration_opens_at,
            "closes_at": event.registration_closes_at,
            "binding_at": event.binding_at,
            "capacity": event.capacity,
            "confirmed": seats.confirmed,
            "waiting": seats.waiting,
            "seats_left": seats.seats_left,
            "waiting_list": event.waiting_list_enabled,
        },
        "vat_mode": event.vat_mode,
        "prices": [
            {
                "id": price.pk,
                "name": price.name,
                "amount": price.amount,
                "early_amount": price.early_amount,
                "early_until": price.early_until,
                "current_amount": pricing.amount(price),
                "members_only": price.members_only,
                "limit": price.limit,
            }
            for price in event.prices.all()
        ],
        "options": [
            {"id": option.pk, "name": option.name, "amount": option.amount, "limit": option.limit}
            for option in event.options.all()
        ],
    }


@router.get("", response=list[schemas.Event], summary="Upcoming events")
def list_events(request):
    """Published events that have not ended, soonest first, with their registration state."""
    return [event_data(event) for event in _with_prices(events.upcoming_events())[:200]]


@router.get("/{slug}", response={200: schemas.EventDetail, 404: schemas.ProblemOut})
def event_detail(request, slug: str):
    """One published event with its programme and the seats left in each session."""
    event = events.event_for_page(slug)
    if event is None:
        raise Http404
    event = _with_prices(Event.objects.filter(pk=event.pk)).select_related("venue").get()
    left = registrations.session_seats_left(event)
    data = event_data(event)
    data["audience"] = event.audience
    data["programme"] = [
        {
            "id": session.pk,
            "title": session.title,
            "kind": session.kind,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "room": session.room,
            "speakers": [speaker.name for speaker in session.speakers.all()],
            "capacity": session.capacity,
            "seats_left": left.get(session.pk),
        }
        for slot in events.programme(event)
        for session in slot.sessions
    ]
    return data
