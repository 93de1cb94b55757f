"""Public: the association's news, newest first. No token."""

import datetime as dt

from django.conf import settings
from django.http import Http404
from ninja import Field, Query, Router, Schema

from tilmeld.api import cursors
from tilmeld.api.responses import problems
from tilmeld.news import selectors
from tilmeld.news.models import Article


class ArticleOut(Schema):
    slug: str
    title: str
    teaser: str
    url: str
    published_at: dt.datetime


class ArticleDetail(ArticleOut):
    byline: str
    body: str  # Markdown, as staff wrote it


class ArticlePage(Schema):
    items: list[ArticleOut]
    next_cursor: str | None


class NewsFilters(Schema):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(cursors.DEFAULT_LIMIT, ge=1, le=cursors.MAX_LIMIT)


router = Router(tags=["news"])


def article_data(article: Article) -> dict:
    return {
        "slug": article.slug,
        "title": article.title,
        "teaser": article.teaser_text,
        "url": settings.SITE_URL + article.get_absolute_url(),
        "published_at": article.published_at,
    }


@router.get("", response={200: ArticlePage, **problems(400, 422, 429)}, summary="News")
def list_news(request, filters: Query[NewsFilters]):
    """Published articles, newest first, a page at a time (`next_cursor`)."""
    found, next_cursor = cursors.page(
        selectors.published_articles(),
        kind="news",
        fields=("-published_at", "-id"),
        types=(dt.datetime, int),
        filters={},
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": [article_data(a) for a in found], "next_cursor": next_cursor}


@router.get("/{slug}", response={200: ArticleDetail, **problems(404, 429)})
def article_detail(request, slug: str):
    """One published article with its text (Markdown)."""
    article = selectors.article_for_page(slug)
    if article is None:
        raise Http404
    return article_data(article) | {"byline": article.byline, "body": article.body}
