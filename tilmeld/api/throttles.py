"""Rate limits of the API, counted in the cache (Redis when REDIS_URL is set, so all processes
count together; else each process counts alone): per token, and per client address for the
public endpoints. A fixed window of a minute: simple and one cache round trip a request. Over
the limit: 429 with `Retry-After` until the window ends. Settings TILMELD_API_RATE_TOKEN and
TILMELD_API_RATE_PUBLIC, requests a minute; 0 turns a limit off."""

import math
import time

from django.conf import settings
from django.core.cache import cache
from ninja.throttling import BaseThrottle

WINDOW = 60  # seconds


def _count(key: str) -> int:
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request (or the key expired just now)
        if cache.add(key, 1, timeout=WINDOW + 5):
            return 1
        return cache.incr(key)


class RateLimit(BaseThrottle):
    """Checked after authentication: a request with a token counts for its token, one without
    (the public endpoints) for its address (as ninja reads it: NINJA_NUM_PROXIES)."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if token is not None:
            limit, who = settings.TILMELD_API_RATE_TOKEN, f"token:{token.pk}"
        else:
            limit, who = settings.TILMELD_API_RATE_PUBLIC, f"ip:{self.get_ident(request)}"
        if not limit:
            return True
        now = time.time()
        window = int(now // WINDOW)
        request.api_retry_after = math.ceil((window + 1) * WINDOW - now)
        return _count(f"api-rate:{who}:{window}") <= limit
