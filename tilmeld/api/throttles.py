"""Rate limits of the API, counted by tilmeld.core.ratelimits like the site's other limits (in
the shared "ratelimit" cache, so all processes count together): per token, and per client
address for the public endpoints. Over the limit: 429 with `Retry-After` until the window
ends. Settings TILMELD_API_RATE_TOKEN and TILMELD_API_RATE_PUBLIC, requests a minute; 0 turns
a limit off."""

from ninja.throttling import BaseThrottle

from tilmeld.core import ratelimits


class RateLimit(BaseThrottle):
    """Checked after authentication: a request with a token counts for its token, one without
    (the public endpoints) for its client address."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is not None:
            verdict = ratelimits.hit(request, ratelimits.API_TOKEN, f"token:{token.pk}")
        else:
            verdict = ratelimits.hit(request, ratelimits.API_PUBLIC)
        request.api_retry_after = verdict.retry_after
        return verdict.allowed
