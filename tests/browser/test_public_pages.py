"""The public pages as a visitor sees them, in Danish and English, with axe-core checks."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils.translation import gettext, override
from playwright.sync_api import expect

from tests.factories import (
    ArticleFactory,
    CoOrganiserFactory,
    EventFactory,
    PageFactory,
    SiteSettingsFactory,
)

CPH = ZoneInfo("Europe/Copenhagen")
OTHER = {"da": "en", "en": "da"}
SWITCH = {"da": "Dansk", "en": "English"}
SITE_NAME = {"da": "Danmarks Biblioteksforening", "en": "Danish Library Association"}
EVENT_TITLE = {"da": "Bibliotekernes årsmøde", "en": "The libraries' annual meeting"}
# The site writes time spans with an en dash, as Danish and English typography want.
EVENT_WHEN = {"da": "21. maj 2026, kl. 9.30–16.00", "en": "21 May 2026, 9:30–16:00"}
VENUE = {"da": "Den Blå Planet", "en": "The Blue Planet"}
ARTICLE_TITLE = {"da": "Ny hjemmeside til medlemmerne", "en": "A new website for members"}
PRIVACY = {"da": "Privatlivspolitik", "en": "Privacy policy"}
ARTICLE_DATE = {"da": "27. februar 2026", "en": "27 February 2026"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=CPH), tick=True):
        yield


@pytest.fixture
def content():
    SiteSettingsFactory()
    PageFactory(title_da=PRIVACY["da"], title_en=PRIVACY["en"], slug="privatliv")
    event = EventFactory(
        title_da=EVENT_TITLE["da"],
        title_en=EVENT_TITLE["en"],
        summary_en="A day about how libraries work together.",
        audience_en="Libraries and municipal administrations.",
        body_en="Programme and talks.",
        slug="aarsmoede-2026",
        starts_at=dt.datetime(2026, 5, 21, 9, 30, tzinfo=CPH),
        ends_at=dt.datetime(2026, 5, 21, 16, 0, tzinfo=CPH),
        venue__name_da=VENUE["da"],
        venue__name_en=VENUE["en"],
    )
    CoOrganiserFactory(event=event, organisation__name="Københavns Biblioteker")
    article = ArticleFactory(
        title_da=ARTICLE_TITLE["da"],
        title_en=ARTICLE_TITLE["en"],
        body_en="First paragraph of the news.",
        slug="ny-hjemmeside",
        published_at=dt.datetime(2026, 2, 27, 8, 0, tzinfo=CPH),
    )
    return {"event": event, "article": article}


def url(name, lang, **kwargs):
    with override(lang):
        return reverse(name, kwargs=kwargs)


def text(message, lang, **values):
    """A UI string as the site shows it in that language."""
    with override(lang):
        return gettext(message) % values if values else gettext(message)


def switch_language(page, live_server, lang, expected_path):
    """Clicks the other language's name and checks we land on the same page in that language."""
    page.get_by_role("navigation", name=text("Language", lang)).get_by_role(
        "link", name=SWITCH[OTHER[lang]]
    ).click()
    expect(page).to_have_url(live_server.url + expected_path)
    expect(page.locator("html")).to_have_attribute("lang", OTHER[lang])


@pytest.mark.parametrize("lang", ["da", "en"])
def test_front_page_shows_next_event_and_latest_news(page, live_server, axe, content, lang):
    page.goto(url("home", lang))

    expect(page.get_by_role("heading", level=1)).to_have_text(SITE_NAME[lang])
    events = page.get_by_role("region", name=text("Upcoming events", lang))
    expect(events.get_by_role("heading", level=3)).to_have_text(EVENT_TITLE[lang])
    expect(events.locator(".card-meta")).to_have_text(f"{EVENT_WHEN[lang]} · {VENUE[lang]}")
    news = page.get_by_role("region", name=text("Latest news", lang))
    expect(news.get_by_role("heading", level=3)).to_have_text(ARTICLE_TITLE[lang])
    expect(news.locator("time")).to_have_text(ARTICLE_DATE[lang])
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name=PRIVACY[lang], exact=True)).to_be_visible()
    axe(page)

    switch_language(page, live_server, lang, url("home", OTHER[lang]))
    expect(page.get_by_role("heading", level=1)).to_have_text(SITE_NAME[OTHER[lang]])


@pytest.mark.parametrize("lang", ["da", "en"])
def test_article_page_shows_title_byline_and_date(page, live_server, axe, content, lang):
    slug = content["article"].slug
    page.goto(url("news:detail", lang, slug=slug))

    expect(page).to_have_title(f"{ARTICLE_TITLE[lang]} · {SITE_NAME[lang]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE[lang])
    written_by = text("Written by %(author)s", lang, author=SITE_NAME[lang])
    expect(page.locator(".byline")).to_have_text(f"{written_by} · {ARTICLE_DATE[lang]}")
    axe(page)

    switch_language(page, live_server, lang, url("news:detail", OTHER[lang], slug=slug))
    expect(page.get_by_role("heading", level=1)).to_have_text(ARTICLE_TITLE[OTHER[lang]])


@pytest.mark.parametrize("lang", ["da", "en"])
def test_event_page_shows_date_venue_and_organisers(page, live_server, axe, content, lang):
    slug = content["event"].slug
    page.goto(url("events:detail", lang, slug=slug))

    expect(page).to_have_title(f"{EVENT_TITLE[lang]} · {SITE_NAME[lang]}")
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE[lang])
    facts = page.get_by_role("complementary", name=text("Practical information", lang))
    when = facts.locator(f"dt:text-is('{text('When', lang)}') + dd")
    expect(when).to_have_text(EVENT_WHEN[lang])
    where = facts.locator(f"dt:text-is('{text('Where', lang)}') + dd")
    map_name = text("Map of %(venue)s", lang, venue=VENUE[lang])
    expect(where).to_have_text(
        f"{VENUE[lang]}\nJacob Fortlings Vej 1, 2770 Kastrup\n{map_name}", use_inner_text=True
    )
    expect(where.get_by_role("link", name=map_name)).to_be_visible()
    expect(page.locator(".organisers")).to_have_text(
        f"{text('Organised by', lang)} Danmarks Biblioteksforening "
        f"{text('in cooperation with', lang)} Københavns Biblioteker."
    )
    axe(page)

    switch_language(page, live_server, lang, url("events:detail", OTHER[lang], slug=slug))
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE[OTHER[lang]])


def test_event_page_on_a_phone_has_no_axe_violations(phone_page, axe, content):
    phone_page.goto(url("events:detail", "da", slug=content["event"].slug))

    expect(phone_page.get_by_role("heading", level=1)).to_have_text(EVENT_TITLE["da"])
    assert phone_page.evaluate("document.documentElement.scrollWidth") == 390
    axe(phone_page)


def test_keyboard_reaches_skip_link_then_main_menu(page, content):
    page.goto(url("home", "da"))
    skip_link = page.get_by_role("link", name=text("Skip to content", "da"))

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.goto(url("home", "da"))
    stops = []
    for _ in range(5):
        page.keyboard.press("Tab")
        stops.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert stops == [
        text("Skip to content", "da"),
        SITE_NAME["da"],
        text("Events", "da"),
        text("News", "da"),
        "English",
    ]
