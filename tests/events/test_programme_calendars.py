"""The programme in calendars: one session as an .ics file, and the feed of upcoming events."""

import pytest
from icalendar import Calendar

from tests.core.pages import local, url
from tests.events.test_programme import at, conference, programme
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_session_calendar_file_describes_the_session(client, site):
    event = conference()
    welcome, *_rest = programme(event)

    response = client.get(url("events:session_ics", slug=event.slug, pk=welcome.pk))

    [item] = Calendar.from_ical(response.content).walk("VEVENT")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="{event.slug}-{welcome.pk}.ics"'
    )
    assert item.decoded("dtstart") == at(9, 30)
    assert item.decoded("dtend") == at(10)
    assert str(item["summary"]) == "Velkomst – Konference om samarbejde"
    assert str(item["location"]) == "Store sal, Den Blå Planet, Jacob Fortlings Vej 1, 2770 Kastrup"
    assert str(item["uid"]) == f"session-{welcome.pk}@testserver"
    assert str(item["url"]) == f"http://testserver{url('events:detail', slug=event.slug)}"


def test_session_calendar_file_in_english_has_the_english_titles(client, site):
    event = conference()
    welcome, *_rest = programme(event)

    response = client.get(url("events:session_ics", "en", slug=event.slug, pk=welcome.pk))

    [item] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(item["summary"]) == "Welcome – Conference on cooperation"


def test_session_calendar_file_of_a_cancelled_event_says_cancelled(client, site):
    event = conference(is_cancelled=True)
    welcome, *_rest = programme(event)

    response = client.get(url("events:session_ics", slug=event.slug, pk=welcome.pk))

    [item] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(item.get("status")) == "CANCELLED"


def test_session_calendar_file_of_another_events_session_is_not_found(client, site):
    event = conference()
    other = SessionFactory(event=EventFactory())

    response = client.get(url("events:session_ics", slug=event.slug, pk=other.pk))

    assert response.status_code == 404


def feed_items(response):
    calendar = Calendar.from_ical(response.content)
    return calendar, [str(item["summary"]) for item in calendar.walk("VEVENT")]


def test_calendar_feed_lists_upcoming_published_events_only(client, site):
    conference(title_da="Juni", starts_at=local(2016, 6, 1, 9), ends_at=local(2016, 6, 1, 15))
    conference(title_da="Maj")
    conference(title_da="Kladde", is_published=False)
    conference(title_da="Planlagt", published_at=local(2016, 5, 2))
    conference(title_da="Afholdt", starts_at=local(2016, 4, 4, 9), ends_at=local(2016, 4, 4, 15))

    response = client.get(url("events:calendar"))

    calendar, summaries = feed_items(response)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert summaries == ["Maj", "Juni"]
    assert str(calendar["x-wr-calname"]) == "Danmarks Biblioteksforening"
    assert calendar.walk("VEVENT")[0].decoded("dtstart") == at(9, 30)


@pytest.mark.parametrize("count", [1, 3])
def test_calendar_feed_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    for day in range(1, count + 1):
        conference(starts_at=local(2016, 6, day, 9), ends_at=local(2016, 6, day, 15))

    # site settings, events with venue, organiser and seat count, their co-organisers
    with django_assert_num_queries(3):
        response = client.get(url("events:calendar"))

    assert len(feed_items(response)[1]) == count
