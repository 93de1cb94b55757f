import datetime as dt
import re

import pytest

from tests.core.pages import NOW, card_titles, content, element, local, text_of, url
from tests.factories import ArticleFactory, StaffFactory
from tilmeld.news.models import Article

pytestmark = pytest.mark.django_db


def make_articles(count):
    """Articles "Nyhed 00" (newest) to "Nyhed NN" (oldest), an hour apart."""
    for number in range(count):
        ArticleFactory(title_da=f"Nyhed {number:02}", published_at=NOW - dt.timedelta(hours=number))


def titles(first, last):
    return [f"Nyhed {number:02}" for number in range(first, last + 1)]


def test_news_list_shows_ten_articles_per_page_newest_first(client, site):
    make_articles(12)

    first = client.get(url("news:list", "en"))
    second = client.get(url("news:list", "en"), {"page": 2})

    assert card_titles(content(first), "article") == titles(0, 9)
    assert text_of(content(first), "nav", "pagination") == "Page 1 of 2 Next"
    assert card_titles(content(second), "article") == titles(10, 11)
    assert text_of(content(second), "nav", "pagination") == "Previous Page 2 of 2"


def test_news_list_leaves_out_drafts_and_scheduled_articles(client, site):
    ArticleFactory(title_da="Offentlig")
    ArticleFactory(title_da="Kladde", is_published=False)
    ArticleFactory(title_da="Planlagt", published_at=NOW + dt.timedelta(seconds=1))

    response = client.get(url("news:list"))

    assert card_titles(content(response), "article") == ["Offentlig"]


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("abc", titles(0, 9)),
        ("-1", titles(10, 11)),
        ("0", titles(10, 11)),
        ("99999", titles(10, 11)),
    ],
)
def test_news_list_with_a_strange_page_number_shows_a_normal_page(client, site, page, expected):
    make_articles(12)

    response = client.get(url("news:list"), {"page": page})

    assert response.status_code == 200
    assert card_titles(content(response), "article") == expected


@pytest.mark.parametrize("count", [1, 3])
def test_news_list_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    make_articles(count)

    # site settings, footer pages, page count, articles, the next scheduled publication
    with django_assert_num_queries(5):
        response = client.get(url("news:list"))

    assert len(card_titles(content(response), "article")) == count


def test_article_page_shows_title_byline_date_and_markdown_body(client, site):
    article = ArticleFactory(
        title_da="Nyt website",
        title_en="New website",
        body_da="Vi har **nyt** website.\n\n- hurtigere\n- enklere",
        body_en="We have a **new** website.",
        published_at=local(2016, 4, 18, 10),
    )

    danish = content(client.get(url("news:detail", slug=article.slug)))
    english = content(client.get(url("news:detail", "en", slug=article.slug)))

    assert "<h1>Nyt website</h1>" in danish
    assert '<time datetime="2016-04-18T10:00:00+02:00">18. april 2016</time>' in danish
    assert (
        "<p>Vi har <strong>nyt</strong> website.</p>\n"
        "<ul>\n<li>hurtigere</li>\n<li>enklere</li>\n</ul>"
    ) in danish
    assert "<h1>New website</h1>" in english
    assert (
        text_of(english, "p", "byline") == "Written by Danish Library Association · 18 April 2016"
    )
    assert "<p>We have a <strong>new</strong> website.</p>" in english


def test_article_byline_names_the_writer_when_given(client, site):
    article = ArticleFactory(byline_da="Hanne Hansen", published_at=local(2016, 4, 18, 10))

    response = client.get(url("news:detail", "en", slug=article.slug))

    assert text_of(content(response), "p", "byline") == "Written by Hanne Hansen · 18 April 2016"


def test_article_page_in_english_falls_back_to_danish_text(client, site):
    article = ArticleFactory(title_da="Kun dansk", title_en="", body_da="Dansk tekst.", body_en="")

    page = content(client.get(url("news:detail", "en", slug=article.slug)))

    assert "<h1>Kun dansk</h1>" in page
    assert "<p>Dansk tekst.</p>" in page


def test_article_page_lists_other_news_but_not_itself(client, site):
    make_articles(5)
    ArticleFactory(title_da="Kladde", is_published=False)
    newest = Article.objects.get(title_da="Nyhed 00")

    response = client.get(url("news:detail", slug=newest.slug))

    related = element(content(response), "section", "related")
    assert card_titles(related, "article") == ["Nyhed 01", "Nyhed 02", "Nyhed 03"]


@pytest.mark.parametrize("count", [1, 3])
def test_article_page_query_count_does_not_grow(client, site, django_assert_num_queries, count):
    article = ArticleFactory(published_at=NOW)
    make_articles(count)

    # site settings, footer pages, article, related articles, the next scheduled publication
    with django_assert_num_queries(5):
        response = client.get(url("news:detail", slug=article.slug))

    assert len(card_titles(element(content(response), "section", "related"), "article")) == count


@pytest.mark.parametrize(
    "fields", [{"published_at": NOW + dt.timedelta(days=1)}, {"is_published": False}]
)
def test_unpublished_article_is_hidden_from_the_public(client, site, fields):
    article = ArticleFactory(title_da="Hemmelig", **fields)

    response = client.get(url("news:detail", "en", slug=article.slug))

    assert response.status_code == 404
    assert "Hemmelig" not in content(response)


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"published_at": NOW + dt.timedelta(days=1)}, "Scheduled"),
        ({"is_published": False}, "Draft"),
    ],
)
def test_unpublished_article_is_a_preview_for_staff(client, site, fields, state):
    article = ArticleFactory(title_da="Hemmelig", **fields)
    client.force_login(StaffFactory())

    response = client.get(url("news:detail", "en", slug=article.slug))

    page = content(response)
    assert response.status_code == 200
    assert "<h1>Hemmelig</h1>" in page
    assert (
        text_of(page, "p", "notice") == f"Preview for staff: this article is not public ({state})."
    )


def test_published_article_has_no_preview_notice_for_staff(client, site):
    article = ArticleFactory()
    client.force_login(StaffFactory())

    response = client.get(url("news:detail", "en", slug=article.slug))

    assert 'class="notice"' not in content(response)


def test_article_body_cannot_run_script(client, site):
    body = (
        "Hej <script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n"
        "[Klik her](javascript:alert(3)) eller [her](https://www.db.dk/)"
    )
    article = ArticleFactory(title_da="<script>alert(4)</script>Nyhed", body_da=body)

    page = content(client.get(url("news:detail", slug=article.slug)))

    assert "<script" not in page
    assert "onerror" not in page
    assert "javascript:" not in page
    # only the escaped title is left, in <title> and <h1>
    assert re.findall(r"alert\(\d\)", page) == ["alert(4)", "alert(4)"]
    assert "<h1>&lt;script&gt;alert(4)&lt;/script&gt;Nyhed</h1>" in page
    assert '<a rel="noopener noreferrer">Klik her</a>' in page
    assert '<a href="https://www.db.dk/" rel="noopener noreferrer">her</a>' in page
