from django.utils.functional import SimpleLazyObject

from tilmeld.core.site import footer_pages, site_settings


def site(request):
    return {
        "site": SimpleLazyObject(lambda: site_settings(request)),
        "footer_pages": SimpleLazyObject(footer_pages),
    }
