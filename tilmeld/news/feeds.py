from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tilmeld.core.site import site_settings
from tilmeld.news import selectors


class LatestNewsFeed(Feed):
    link = reverse_lazy("news:list")
    description = _("The latest news")

    def get_object(self, request, *args, **kwargs):
        # The site settings are read once per feed, not once per item.
        return site_settings(request)

    def title(self, site):
        return _("News from %(name)s") % {"name": site.name}

    def items(self, site):
        articles = list(selectors.published_articles()[:20])
        for article in articles:
            article.feed_author = article.byline or site.name
        return articles

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser_text

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.feed_author


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestNewsFeed.description
