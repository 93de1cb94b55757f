"""The front page: the one view that brings events and news together."""

from django.shortcuts import render
from django.utils import timezone

from tilmeld.core import pagecache
from tilmeld.events.selectors import (
    changes_at,
    listing_changes_at,
    shows_live_figures,
    upcoming_events,
)
from tilmeld.news.models import Article
from tilmeld.news.selectors import latest_articles


@pagecache.public_page
def home(request):
    now = timezone.now()
    events = list(upcoming_events(now)[:6])
    context = {"events": events, "articles": latest_articles(4)}
    instants = [
        changes_at(events, now),
        listing_changes_at(now),
        Article.objects.next_publication(now),
    ]
    return pagecache.lasting(
        render(request, "core/home.html", context),
        until=min(filter(None, instants), default=None),
        live=shows_live_figures(events, now),
    )
