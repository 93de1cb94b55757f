import pytest
from icalendar import Calendar

from tests.core.pages import content, local, url
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def conference(**fields):
    return EventFactory(
        **{
            "title_da": "Konference om samarbejde",
            "title_en": "Conference on cooperation",
            "starts_at": local(2016, 5, 23, 9, 30),
            "ends_at": local(2016, 5, 23, 16),
            "published_at": local(2016, 4, 18, 10),
            **fields,
        }
    )


def calendar_event(response):
    calendar = Calendar.from_ical(response.content)
    [item] = calendar.walk("VEVENT")
    return calendar, item


def test_calendar_file_describes_the_event(client, site):
    event = conference()

    response = client.get(url("events:ics", slug=event.slug))

    calendar, item = calendar_event(response)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert (str(calendar["version"]), str(calendar["method"])) == ("2.0", "PUBLISH")
    assert item.decoded("dtstart") == local(2016, 5, 23, 9, 30)
    assert item.decoded("dtend") == local(2016, 5, 23, 16)
    assert str(item["summary"]) == "Konference om samarbejde"
    assert str(item["location"]) == "Den Blå Planet, Jacob Fortlings Vej 1, 2770 Kastrup"
    assert str(item["uid"]) == f"event-{event.pk}@testserver"
    assert str(item["url"]) == f"http://testserver{url('events:detail', slug=event.slug)}"
    assert str(item["status"]) == "CONFIRMED"


def test_calendar_file_in_english_has_the_english_title(client, site):
    event = conference()

    response = client.get(url("events:ics", "en", slug=event.slug))

    _calendar, item = calendar_event(response)
    assert str(item["summary"]) == "Conference on cooperation"
    assert str(item["url"]) == f"http://testserver{url('events:detail', 'en', slug=event.slug)}"


def test_calendar_file_of_a_cancelled_event_says_cancelled(client, site):
    event = conference(is_cancelled=True)

    _calendar, item = calendar_event(client.get(url("events:ics", slug=event.slug)))

    assert str(item["status"]) == "CANCELLED"


def test_calendar_file_without_venue_has_no_location(client, site):
    event = conference(venue=None)

    _calendar, item = calendar_event(client.get(url("events:ics", slug=event.slug)))

    assert "location" not in item


def test_event_page_links_its_calendar_file(client, site):
    event = conference()

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert f'href="{url("events:ics", slug=event.slug)}"' in page
