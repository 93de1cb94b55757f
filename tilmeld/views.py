"""The front page: the one view that brings events and news together."""

from django.shortcuts import render

from tilmeld.events.selectors import upcoming_events
from tilmeld.news.selectors import latest_articles


def home(request):
    context = {"events": upcoming_events()[:6], "articles": latest_articles(4)}
    return render(request, "core/home.html", context)
