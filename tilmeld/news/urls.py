from django.urls import path
from django.utils.translation import gettext_lazy as _

from tilmeld.news import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path(_("feed/rss/"), feeds.LatestNewsFeed(), name="rss"),
    path(_("feed/atom/"), feeds.LatestNewsAtomFeed(), name="atom"),
    path("<slug:slug>/", views.article_detail, name="detail"),
]
