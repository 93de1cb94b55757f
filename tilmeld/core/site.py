"""The association's settings and footer links: read on every page, so kept in the site's cache
(core.pagecache): saving them changes the version every process reads."""

from tilmeld.core import pagecache
from tilmeld.core.models import Page, SiteSettings


def site_settings(request=None) -> SiteSettings:
    cached = getattr(request, "_tilmeld_site", None)
    if cached is not None:
        return cached
    settings = pagecache.kept("site-settings", _site_settings)
    if request is not None:
        request._tilmeld_site = settings
    return settings


def _site_settings() -> SiteSettings:
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def footer_pages() -> list[Page]:
    return pagecache.kept("footer-pages", _footer_pages)


def _footer_pages() -> list[Page]:
    fields = ("slug", "title_da", "title_en", "position", "title")
    return list(Page.objects.filter(in_footer=True).only(*fields))


def forget() -> None:
    """For changes no signal announces (a queryset update)."""
    pagecache.bump()
