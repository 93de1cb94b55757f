import datetime as dt
import re

import pytest
from django.core.files.base import ContentFile

from tests.core.pages import NOW, card_titles, content, local, squeeze, text_of, url
from tests.factories import (
    CoOrganiserFactory,
    EventFactory,
    OrganisationFactory,
    SiteSettingsFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def conference(**fields):
    """The 2016 conference at Den Blå Planet, registration 18 April to 18 May."""
    return EventFactory(
        **{
            "title_da": "Konference om samarbejde",
            "starts_at": local(2016, 5, 23, 9, 30),
            "ends_at": local(2016, 5, 23, 16),
            "registration_opens_at": local(2016, 4, 18, 12),
            "registration_closes_at": local(2016, 5, 18, 12),
            "published_at": local(2016, 4, 18, 10),
            **fields,
        }
    )


def past(title, day):
    return EventFactory(
        title_da=title, starts_at=local(2016, 4, day, 9), ends_at=local(2016, 4, day, 15)
    )


def event_time(page):
    """The date and time in the event's facts box."""
    match = re.search(r"<dd><time datetime=[^>]*>(.*?)</time></dd>", page)
    return match.group(1) if match else None


def test_event_list_shows_upcoming_published_events_soonest_first(client, site):
    EventFactory(title_da="Juni", starts_at=local(2016, 6, 1, 9), ends_at=local(2016, 6, 1, 15))
    EventFactory(title_da="Maj", starts_at=local(2016, 5, 2, 9), ends_at=local(2016, 5, 2, 15))
    EventFactory(title_da="Kladde", is_published=False)
    EventFactory(title_da="Planlagt", published_at=NOW + dt.timedelta(days=1))
    past("Afholdt", 20)

    response = client.get(url("events:list"))

    assert card_titles(content(response), "event") == ["Maj", "Juni"]


def test_event_archive_shows_past_events_latest_first(client, site):
    past("Tidligt i april", 4)
    past("Sent i april", 28)
    EventFactory(title_da="Kommende")
    EventFactory(
        title_da="Afholdt kladde",
        is_published=False,
        starts_at=local(2016, 4, 1, 9),
        ends_at=local(2016, 4, 1, 15),
    )

    response = client.get(url("events:archive"))

    assert card_titles(content(response), "event") == ["Sent i april", "Tidligt i april"]


@pytest.mark.parametrize(
    ("name", "expected"), [("events:list", "Kommende"), ("events:archive", "Afholdt")]
)
@pytest.mark.parametrize("page", ["abc", "-1", "99999"])
def test_event_lists_with_a_strange_page_number_show_a_normal_page(
    client, site, name, expected, page
):
    EventFactory(title_da="Kommende")
    past("Afholdt", 4)

    response = client.get(url(name), {"page": page})

    assert response.status_code == 200
    assert card_titles(content(response), "event") == [expected]


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("name", ["events:list", "events:archive"])
def test_event_lists_query_count_does_not_grow(
    client, site, django_assert_num_queries, name, count
):
    for day in range(1, count + 1):
        for event in (EventFactory(), past(f"Afholdt {day}", day)):
            CoOrganiserFactory(event=event)

    # site settings, footer pages, page count, events, their co-organisers, the next instant
    # the list changes by the clock
    with django_assert_num_queries(6):
        response = client.get(url(name))

    assert len(card_titles(content(response), "event")) == count


@pytest.mark.parametrize("count", [1, 3])
def test_event_page_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    event = conference()
    CoOrganiserFactory.create_batch(count, event=event)

    # event with venue, organiser and seat count; co-organisers, sessions, site settings, footer;
    # the prices and the options (listed when the event has any)
    with django_assert_num_queries(7):
        response = client.get(url("events:detail", slug=event.slug))

    assert text_of(content(response), "p", "organisers").count("Bibliotek ") == count


def test_event_page_shows_the_date_in_danish(client, site):
    event = conference()

    response = client.get(url("events:detail", slug=event.slug))

    assert '<time datetime="2016-05-23T09:30:00+02:00">' in content(response)
    assert event_time(content(response)) == "23. maj 2016, kl. 9.30\N{EN DASH}16.00"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_event_page_has_no_news_byline(client, site, lang):
    event = conference(byline_da="Hanne Hansen", byline_en="Hanne Hansen")

    page = content(client.get(url("events:detail", lang, slug=event.slug)))

    assert 'class="byline"' not in page
    assert "Hanne Hansen" not in page
    assert "Skrevet af" not in page and "Written by" not in page
    assert text_of(page, "header", "event-header") == "Konference om samarbejde"


def test_event_page_shows_the_date_in_english(client, site):
    event = conference()

    response = client.get(url("events:detail", "en", slug=event.slug))

    assert '<time datetime="2016-05-23T09:30:00+02:00">' in content(response)
    assert event_time(content(response)) == "23 May 2016, 9:30\N{EN DASH}16:00"


def test_event_over_several_days_shows_both_ends(client, site):
    event = conference(starts_at=local(2016, 5, 23, 9, 30), ends_at=local(2016, 5, 24, 15))

    response = client.get(url("events:detail", "en", slug=event.slug))

    assert event_time(content(response)) == "23 May 2016, 9:30 \N{EN DASH} 24 May 2016, 15:00"


def test_event_page_shows_venue_address_and_map_link(client, site):
    event = conference()

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert (
        "<dd>Den Blå Planet<br>Jacob Fortlings Vej 1, 2770 Kastrup<br>"
        '<a href="https://www.openstreetmap.org/search?query=Den+Bl%C3%A5+Planet%2C+Jacob+Fortlings'
        '+Vej+1%2C+2770+Kastrup" rel="noopener">Map of Den Blå Planet</a></dd>'
    ) in page


def test_event_page_uses_the_venues_own_map_link_when_given(client, site):
    event = conference(venue__map_url="https://maps.example.org/planet")

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert '<a href="https://maps.example.org/planet" rel="noopener">' in page


def test_event_page_shows_audience_and_organisers_in_position_order(client, site):
    event = conference(
        audience_da="Biblioteker og forvaltninger.",
        organiser=OrganisationFactory(name="Danmarks Biblioteksforening", url="https://www.db.dk/"),
    )
    for position, name in [(3, "Tårnby Kommune"), (1, "Bibliotekschefforeningen"), (2, "Gentofte")]:
        CoOrganiserFactory(
            event=event, organisation=OrganisationFactory(name=name), position=position
        )

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    audience = re.search(r'aria-labelledby="audience-heading">(.*?)</section>', page, re.DOTALL)
    assert squeeze(audience.group(1)) == "Who is it for? Biblioteker og forvaltninger."
    assert text_of(page, "p", "organisers") == (
        "Organised by Danmarks Biblioteksforening in cooperation with "
        "Bibliotekschefforeningen, Gentofte and Tårnby Kommune."
    )
    assert (
        'Organised by <a href="https://www.db.dk/" rel="noopener">Danmarks Biblioteksforening</a>'
        in page
    )


def test_event_page_without_organiser_names_the_association(client, site):
    event = conference(organiser=None)
    CoOrganiserFactory(event=event, organisation=OrganisationFactory(name="Tårnby Kommune"))

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert text_of(page, "p", "organisers") == (
        "Organised by Danish Library Association in cooperation with Tårnby Kommune."
    )


def test_event_page_shows_the_contact_address(client, site):
    event = conference(contact_email="tilmelding@example.org")

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert (
        '<p>Questions about registration: <a href="mailto:tilmelding@example.org">'
        "tilmelding@example.org</a></p>"
    ) in page


def test_event_page_falls_back_to_the_associations_contact_address(client):
    SiteSettingsFactory(contact_email="db@example.org")
    event = conference(contact_email="")

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert '<p>Questions about registration: <a href="mailto:db@example.org">' in page


def test_event_page_links_the_programme_when_there_is_one(client, site):
    event = conference()
    event.programme_file.save("program.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    link = url("events:programme_pdf", "en", slug=event.slug)
    button = f'<a class="button" href="{link}">Download the programme '
    assert button + '<span class="muted">(PDF)</span></a>' in page
    download = client.get(link)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n%%EOF\n"


def test_event_page_has_no_programme_link_without_a_programme(client, site):
    event = conference()

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert "Download the programme" not in page
    assert "/media/" not in page


def test_event_page_in_english_uses_the_english_title(client, site):
    event = conference(title_en="Conference on cooperation")

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert "<h1>Conference on cooperation</h1>" in page


def test_event_page_in_english_falls_back_to_the_danish_title(client, site):
    event = conference(title_en="")

    page = content(client.get(url("events:detail", "en", slug=event.slug)))

    assert '<h1 lang="da">Konference om samarbejde</h1>' in page  # hyphenated as Danish


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"published_at": NOW + dt.timedelta(days=1)}, "Scheduled"),
        ({"is_published": False}, "Draft"),
    ],
)
def test_unpublished_event_is_hidden_from_the_public_and_a_preview_for_staff(
    client, site, fields, state
):
    event = conference(**fields)
    event_url = url("events:detail", "en", slug=event.slug)

    public = client.get(event_url)
    client.force_login(StaffFactory())
    staff = client.get(event_url)

    assert public.status_code == 404
    assert staff.status_code == 200
    assert (
        text_of(content(staff), "p", "notice")
        == f"Preview for staff: this event is not public ({state})."
    )


def test_event_body_cannot_run_script(client, site):
    body = (
        "Hej <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[Klik her](javascript:alert(3)) eller [her](https://www.db.dk/)"
    )
    event = conference(title_da="<script>alert(4)</script>Konference", body_da=body)

    page = content(client.get(url("events:detail", slug=event.slug)))

    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/ld+json">']
    assert "onerror" not in page
    assert "javascript:" not in page
    assert "alert(1)" not in page
    assert "alert(2)" not in page
    assert "<h1>&lt;script&gt;alert(4)&lt;/script&gt;Konference</h1>" in page
    assert '<a rel="noopener noreferrer">Klik her</a>' in page
    assert '<a href="https://www.db.dk/" rel="noopener noreferrer">her</a>' in page
