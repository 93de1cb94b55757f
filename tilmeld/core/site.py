"""The association's settings and footer links: read on every page, so kept in the cache for a
minute. Saving them in the admin clears it at once (other processes follow within the minute)."""

from django.core.cache import cache

from tilmeld.core.models import Page, SiteSettings

SITE_KEY = "tilmeld:site-settings"
FOOTER_KEY = "tilmeld:footer-pages"
TTL = 60


def site_settings(request=None) -> SiteSettings:
    cached = getattr(request, "_tilmeld_site", None)
    if cached is not None:
        return cached
    settings = cache.get(SITE_KEY)
    if settings is None:
        settings = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)
        cache.set(SITE_KEY, settings, TTL)
    if request is not None:
        request._tilmeld_site = settings
    return settings


def footer_pages() -> list[Page]:
    pages = cache.get(FOOTER_KEY)
    if pages is None:
        fields = ("slug", "title_da", "title_en", "position", "title")
        pages = list(Page.objects.filter(in_footer=True).only(*fields))
        cache.set(FOOTER_KEY, pages, TTL)
    return pages


def forget() -> None:
    cache.delete_many([SITE_KEY, FOOTER_KEY])
