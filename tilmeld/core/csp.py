"""django-csp's middleware, with the site-wide header built once per process.

The library builds the Content-Security-Policy header anew for every response, which took a
tenth of the time of a registration form page. Tilmeld sets no per-view policy and uses no
nonce, so the header is the same for every response: this builds it once, and hands a response
that does carry its own policy or a nonce to the library as before."""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PER_RESPONSE = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


@cache
def _headers() -> tuple[tuple[str, str, tuple], ...]:
    """(header, value, excluded path prefixes) for each policy the settings define."""
    found = []
    for header, name, report_only in (
        (HEADER, "CONTENT_SECURITY_POLICY", False),
        (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", True),
    ):
        if value := build_policy(report_only=report_only):
            policy = getattr(settings, name, None) or {}
            found.append((header, value, tuple(policy.get("EXCLUDE_URL_PREFIXES") or ())))
    return tuple(found)


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _headers.cache_clear()


class CSPMiddleware(LibraryCSPMiddleware):
    def process_response(self, request, response):
        own = getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in PER_RESPONSE
        )
        if own or (settings.DEBUG and response.status_code in (404, 500)):
            return super().process_response(request, response)
        for header, value, excluded in _headers():
            if header not in response and not request.path_info.startswith(excluded):
                response[header] = value
        # As the library does: a nonce asked for from now on would not be in the header.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
