from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from tilmeld.core.models import SiteSettings
from tilmeld.news import selectors


class LatestNewsFeed(Feed):
    link = reverse_lazy("news:list")
    description = _("The latest news")

    def title(self):
        return _("News from %(name)s") % {"name": SiteSettings.current().name}

    def items(self):
        return selectors.published_articles()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.teaser_text

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.byline or SiteSettings.current().name


class LatestNewsAtomFeed(LatestNewsFeed):
    feed_type = Atom1Feed
    subtitle = LatestNewsFeed.description
