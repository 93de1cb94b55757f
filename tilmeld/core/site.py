"""The association's settings, read once per request."""

from tilmeld.core.models import Page, SiteSettings


def site_settings(request=None) -> SiteSettings:
    cached = getattr(request, "_tilmeld_site", None)
    if cached is not None:
        return cached
    settings = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)
    if request is not None:
        request._tilmeld_site = settings
    return settings


def footer_pages():
    return Page.objects.filter(in_footer=True).only("slug", "title_da", "title_en", "position")
