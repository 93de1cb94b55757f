"""Public news through the API: newest first, a page at a time, and one article's text."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_news_pages_newest_first_without_gaps_or_repeats(client):
    now = timezone.now()
    for day in range(5):
        ArticleFactory(slug=f"nyt-{day}", published_at=now - dt.timedelta(days=day))
    ArticleFactory(slug="kladde", is_published=False)
    ArticleFactory(slug="senere", published_at=now + dt.timedelta(days=1))

    first = client.get("/api/v1/news?limit=2").json()
    second = client.get(f"/api/v1/news?limit=2&cursor={first['next_cursor']}").json()
    third = client.get(f"/api/v1/news?limit=2&cursor={second['next_cursor']}").json()

    slugs = [a["slug"] for page in (first, second, third) for a in page["items"]]
    assert slugs == ["nyt-0", "nyt-1", "nyt-2", "nyt-3", "nyt-4"]
    assert third["next_cursor"] is None


def test_an_article_has_its_text_and_a_draft_is_not_found(client):
    ArticleFactory(slug="nyt", title_da="Nyt website", body_da="Vi har *nyt* website.")
    ArticleFactory(slug="kladde", is_published=False)

    article = client.get("/api/v1/news/nyt").json()

    assert (article["title"], article["body"]) == ("Nyt website", "Vi har *nyt* website.")
    assert article["url"].endswith("/nyheder/nyt/")
    assert client.get("/api/v1/news/kladde").json()["code"] == "not_found"


def test_a_cursor_of_another_list_is_refused(client):
    answer = client.get("/api/v1/news?cursor=bm9wZQ")

    assert (answer.status_code, answer.json()["code"]) == (400, "cursor")
