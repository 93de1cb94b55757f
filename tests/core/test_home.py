import datetime as dt

import pytest

from tests.core.pages import NOW, card_titles, content, local, url
from tests.factories import ArticleFactory, CoOrganiserFactory, EventFactory

pytestmark = pytest.mark.django_db


def test_front_page_lists_only_upcoming_published_events(client, site):
    EventFactory(
        title_da="Senere konference", starts_at=local(2016, 6, 2, 9), ends_at=local(2016, 6, 2, 15)
    )
    EventFactory(
        title_da="Næste konference", starts_at=local(2016, 5, 23, 9), ends_at=local(2016, 5, 23, 15)
    )
    EventFactory(title_da="Kladde", is_published=False)
    EventFactory(title_da="Planlagt", published_at=NOW + dt.timedelta(hours=1))
    EventFactory(title_da="Afholdt", starts_at=local(2016, 4, 4, 9), ends_at=local(2016, 4, 4, 15))

    response = client.get(url("home"))

    assert response.status_code == 200
    assert card_titles(content(response), "event") == ["Næste konference", "Senere konference"]


def test_front_page_shows_an_event_until_it_ends(client, site):
    EventFactory(
        title_da="I gang nu", starts_at=local(2016, 5, 1, 9), ends_at=local(2016, 5, 1, 16)
    )

    response = client.get(url("home"))

    assert card_titles(content(response), "event") == ["I gang nu"]


def test_front_page_lists_the_four_latest_published_articles(client, site):
    for days, title in enumerate(["Nyeste", "Næstnyeste", "Tredje", "Fjerde", "Femte"]):
        ArticleFactory(title_da=title, published_at=NOW - dt.timedelta(days=days))
    ArticleFactory(title_da="Kladde", is_published=False)
    ArticleFactory(title_da="Planlagt", published_at=NOW + dt.timedelta(minutes=1))

    response = client.get(url("home"))

    assert card_titles(content(response), "article") == ["Nyeste", "Næstnyeste", "Tredje", "Fjerde"]


def test_front_page_without_content_says_so(client, site):
    response = client.get(url("home", "en"))

    page = content(response)
    assert "No events are planned right now." in page
    assert "No news yet." in page


def test_front_page_in_english_uses_english_titles_and_falls_back_to_danish(client, site):
    EventFactory(title_da="Konference", title_en="Conference")
    ArticleFactory(title_da="Kun på dansk", title_en="")

    response = client.get(url("home", "en"))

    page = content(response)
    assert card_titles(page, "event") == ["Conference"]
    assert card_titles(page, "article") == ["Kun på dansk"]


@pytest.mark.parametrize("count", [1, 3])
def test_front_page_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    for event in EventFactory.create_batch(count):
        CoOrganiserFactory(event=event)
    ArticleFactory.create_batch(count)

    # site settings, footer pages, events, their co-organisers, articles; the next instant the
    # page changes by the clock (events, articles)
    with django_assert_num_queries(7):
        response = client.get(url("home"))

    page = content(response)
    assert len(card_titles(page, "event")) == count
    assert len(card_titles(page, "article")) == count


def test_front_page_of_a_fresh_install_without_site_settings(client, db):
    response = client.get(url("home"))

    assert response.status_code == 200
    assert '<span class="brand-name">Tilmeld</span>' in content(response)
