"""Public pages come from the site's cache, rendered once per change; personal pages never do."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import override_settings
from django.utils import timezone

from tests.core.pages import content, text_of, url
from tests.factories import (
    ArticleFactory,
    EventFactory,
    PageFactory,
    PriceFactory,
    SessionFactory,
    SpeakerFactory,
    StaffFactory,
    register_people,
)
from tilmeld.core import pagecache
from tilmeld.core.models import SiteSettings

pytestmark = pytest.mark.django_db

PUBLIC = "public, max-age=30, s-maxage=1"
NO_STORE = "private, no-store"


def event_page(event, lang="da"):
    return url("events:detail", lang, slug=event.slug)


def test_a_second_visit_is_served_without_a_query(client, site, django_assert_num_queries):
    event = EventFactory(registration_opens_at=None)  # nothing live: kept for the full time
    first = client.get(event_page(event))

    with django_assert_num_queries(0):
        second = client.get(event_page(event))

    assert second.content == first.content
    assert event.title in content(second)
    assert first["Cache-Control"] == second["Cache-Control"] == PUBLIC
    assert "Cookie" in second["Vary"]


@pytest.mark.parametrize(
    "name",
    ["home", "events:list", "events:archive", "news:list"],
)
@pytest.mark.parametrize("lang", ["da", "en"])
def test_each_public_list_in_each_language_is_cached(
    client, site, django_assert_num_queries, name, lang
):
    client.get(url(name, lang))

    with django_assert_num_queries(0):
        response = client.get(url(name, lang))

    assert response.status_code == 200
    assert response["Content-Language"] == lang
    assert response["Cache-Control"].startswith("public, max-age=")


def test_article_and_page_are_cached(client, site, django_assert_num_queries):
    article = ArticleFactory()
    page = PageFactory()
    for address in (url("news:detail", slug=article.slug), url("page", slug=page.slug)):
        client.get(address)
        with django_assert_num_queries(0):
            assert client.get(address)["Cache-Control"] == PUBLIC


def test_languages_are_kept_apart(client, site):
    event = EventFactory(title_da="Biblioteksdag", title_en="Library day")

    danish = content(client.get(event_page(event, "da")))
    english = content(client.get(event_page(event, "en")))

    assert "Biblioteksdag" in danish and "Library day" not in danish
    assert "Library day" in english


def edit_event(event):
    event.title_da = "Ny titel"
    event.save()


def edit_venue(event):
    event.venue.name = "Ny titel"
    event.venue.save()


def edit_organiser(event):
    event.organiser.name = "Ny titel"
    event.organiser.save()


def add_speaker(event):
    session = SessionFactory(event=event, title_da="Oplæg")
    session.speakers.add(SpeakerFactory(name="Ny titel"))


def add_price(event):
    PriceFactory(event=event, name_da="Ny titel")


def edit_site(event):
    SiteSettings.objects.filter(pk=1).update(name="Ny titel")  # no signal: the service's way
    pagecache.bump()


@pytest.mark.parametrize(
    "change", [edit_event, edit_venue, edit_organiser, add_speaker, add_price, edit_site]
)
def test_a_change_is_shown_at_once(client, site, change):
    event = EventFactory(registration_opens_at=None)
    assert "Ny titel" not in content(client.get(event_page(event)))

    change(event)

    assert "Ny titel" in content(client.get(event_page(event)))


def test_site_settings_saved_are_shown_at_once_on_every_page(client, site):
    article = ArticleFactory()
    client.get(url("news:detail", slug=article.slug))

    site.name = "Bibliotekernes Forening"
    site.save()

    assert "Bibliotekernes Forening" in content(client.get(url("news:detail", slug=article.slug)))


def test_an_article_saved_is_shown_at_once_in_the_list(client, site):
    article = ArticleFactory(title_da="Før")
    client.get(url("news:list"))

    article.title_da = "Efter"
    article.save()

    assert "Efter" in content(client.get(url("news:list")))


@override_settings(TILMELD_PAGE_CACHE_SECONDS=3600)
def test_seats_left_are_correct_within_two_seconds(client, site):
    event = EventFactory(capacity=10, show_seats_left=True)
    assert text_of(content(client.get(event_page(event))), "p", "seats-left") == "10 ledige pladser"

    register_people(event, "Anne", "Bo")

    shown = text_of(content(client.get(event_page(event))), "p", "seats-left")
    with time_machine.travel(dt.timedelta(seconds=2.01)):
        later = text_of(content(client.get(event_page(event))), "p", "seats-left")
    assert shown in ("10 ledige pladser", "8 ledige pladser")
    assert later == "8 ledige pladser"


@override_settings(TILMELD_PAGE_CACHE_SECONDS=3600)
def test_registration_opens_exactly_on_time_on_every_cached_page(client, site):
    opens = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    event = EventFactory(registration_opens_at=opens)
    pages = [event_page(event), url("home"), url("events:list")]
    with time_machine.travel(opens - dt.timedelta(seconds=1), tick=False):
        before = [content(client.get(page)) for page in pages]
        again = [content(client.get(page)) for page in pages]  # from the cache
    with time_machine.travel(opens, tick=False):
        after = [content(client.get(page)) for page in pages]

    assert before == again
    assert "state-not_yet_open" in before[0]
    assert "state-open" in after[0]
    assert all("badge-not_yet_open" in page for page in before[1:])
    assert all("badge-open" in page for page in after[1:])


@override_settings(TILMELD_PAGE_CACHE_SECONDS=3600)
def test_registration_closes_exactly_on_time(client, site):
    event = EventFactory()
    closes = event.registration_closes_at
    with time_machine.travel(closes - dt.timedelta(microseconds=1), tick=False):
        before = content(client.get(event_page(event)))
    with time_machine.travel(closes, tick=False):
        after = content(client.get(event_page(event)))

    assert "state-open" in before
    assert "state-closed" in after


def test_a_logged_in_user_gets_a_fresh_page_no_one_keeps(client, site, django_assert_num_queries):
    event = EventFactory(registration_opens_at=None)
    client.get(event_page(event))  # kept for visitors
    client.force_login(StaffFactory())
    event.__class__.objects.filter(pk=event.pk).update(title_da="Kladde")  # no signal

    response = client.get(event_page(event))

    assert "Kladde" in content(response)
    assert response["Cache-Control"] == NO_STORE


def test_a_staff_preview_is_never_kept_for_visitors(client, site):
    draft = EventFactory(is_published=False)
    staff = StaffFactory()
    client.force_login(staff)
    assert "Forhåndsvisning" in content(client.get(event_page(draft)))
    client.logout()

    assert client.get(event_page(draft)).status_code == 404


def test_a_pending_flash_message_is_never_served_from_the_cache(client, site):
    event = EventFactory(registration_opens_at=None)
    client.get(event_page(event))
    client.cookies[CookieStorage.cookie_name] = "x"

    response = client.get(event_page(event))

    assert response["Cache-Control"] == NO_STORE


def test_unknown_query_parameters_are_not_kept(client, site, django_assert_num_queries):
    client.get(url("news:list"), {"q": "x"})

    with django_assert_num_queries(2):  # the page count and the articles, read again
        client.get(url("news:list"), {"q": "x"})


def test_a_form_with_errors_is_not_kept(client, site):
    event = EventFactory()
    address = url("registrations:register", slug=event.slug)

    sent = client.post(address, {"name": "", "email": "nope"})
    shown = client.get(address)

    assert sent.status_code == 422
    assert "no-store" in sent["Cache-Control"]
    assert 'aria-invalid="true"' not in content(shown)


def test_the_registration_form_is_shared_with_fresh_tokens(client, site, django_assert_num_queries):
    event = EventFactory()
    address = url("registrations:register", slug=event.slug)
    first = content(client.get(address))

    with django_assert_num_queries(0):
        second = client.get(address)

    assert "no-store" in second["Cache-Control"]  # it carries a CSRF token
    assert first != content(second)  # a form token of its own


def test_personal_pages_say_no_store(client, site):
    event = EventFactory()
    anne, _bo = register_people(event, "Anne", "Bo")
    booking = anne.booking
    client.force_login(StaffFactory(is_superuser=True))
    addresses = [
        anne.get_manage_url(),
        booking.get_manage_url(),
        url("registrations:participant_list", token=anne.manage_token),
        "/admin/",
        "/admin/registrations/participant/",
    ]

    headers = {address: client.get(address)["Cache-Control"] for address in addresses}

    assert all("no-store" in value for value in headers.values()), headers


@pytest.mark.parametrize(
    ("now", "expires", "told"),
    [
        (100.3, 160.3, "@100"),  # kept through second 100: gone at 101.0, within 1 s
        (100.9, 102.9, "@100"),  # seats left: at most 0.1 s here, the entry lasts till 102.9
        (100.3, 101.2, "@100"),
        (100.3, 100.8, "0"),  # the entry ends within this second: nginx does not keep it
        (100.0, 101.0, "@100"),
    ],
)
def test_nginx_never_keeps_a_page_past_the_entry_or_the_proxy_seconds(now, expires, told):
    assert pagecache.proxy_expires(now, expires) == told


def test_a_public_page_tells_nginx_how_long_in_whole_seconds(client, site):
    event = EventFactory(registration_opens_at=None)

    at = dt.datetime(2027, 3, 1, 9, 0, 0, 250_000, tzinfo=dt.UTC)
    with time_machine.travel(at, tick=False):
        response = client.get(event_page(event))

    # Kept by nginx through 9:00:00 and gone at 9:00:01, though browsers may keep it 30 s.
    assert response["X-Accel-Expires"] == f"@{int(at.timestamp())}"
    assert "max-age=30" in response["Cache-Control"]
