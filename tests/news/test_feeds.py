import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from tests.core.pages import NOW, url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def parse(response) -> ET.Element:
    """Our own feed; a parse error fails the test."""
    return ET.fromstring(response.content)  # noqa: S314 - trusted input: the site's own output


@pytest.fixture
def articles(site):
    older = ArticleFactory(title_da="Ældre nyhed", published_at=NOW - dt.timedelta(days=2))
    newer = ArticleFactory(
        title_da="Ny nyhed", byline_da="Hanne Hansen", published_at=NOW - dt.timedelta(days=1)
    )
    ArticleFactory(title_da="Kladde", is_published=False)
    ArticleFactory(title_da="Planlagt", published_at=NOW + dt.timedelta(days=1))
    return [newer, older]


def test_rss_feed_lists_published_articles_newest_first(client, articles):
    response = client.get(url("news:rss"))

    channel = parse(response).find("channel")
    items = channel.findall("item")
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert [item.findtext("title") for item in items] == ["Ny nyhed", "Ældre nyhed"]
    assert [item.findtext("link") for item in items] == [
        f"http://testserver{url('news:detail', slug=article.slug)}" for article in articles
    ]
    assert channel.findtext("link") == f"http://testserver{url('news:list')}"


def test_atom_feed_lists_published_articles_with_authors(client, articles):
    response = client.get(url("news:atom", "en"))

    feed = parse(response)
    entries = feed.findall(f"{ATOM}entry")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert feed.findtext(f"{ATOM}title") == "News from Danish Library Association"
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["Ny nyhed", "Ældre nyhed"]
    assert [entry.findtext(f"{ATOM}author/{ATOM}name") for entry in entries] == [
        "Hanne Hansen",
        "Danish Library Association",
    ]


def test_empty_feed_is_still_valid_xml(client, site):
    response = client.get(url("news:rss"))

    assert parse(response).find("channel").findall("item") == []


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize(("name", "lang"), [("news:rss", "da"), ("news:atom", "en")])
def test_feed_query_count_does_not_grow(client, site, django_assert_num_queries, name, lang, count):
    ArticleFactory.create_batch(count)

    # site settings, articles
    with django_assert_num_queries(2):
        response = client.get(url(name, lang))

    assert response.content.count(b"<item>" if name == "news:rss" else b"<entry>") == count
