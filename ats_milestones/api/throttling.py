"""Rate limits of the API: one budget per API client token, one per signed-in user.

Rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (env API_THROTTLE_CLIENT_RATE,
API_THROTTLE_USER_RATE), read per request. Over the limit a call answers 429 THROTTLED with
`Retry-After` (the exception handler writes both). The counts live in the default cache
(Redis when configured); if that cache fails, calls are let through rather than refused.
"""

from __future__ import annotations

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from tenants.authentication import ApiClientPrincipal

logger = logging.getLogger(__name__)


class ApiCallerRateThrottle(SimpleRateThrottle):
    def __init__(self):  # the scope (and so the rate) depends on the caller
        pass

    def _caller(self, request) -> tuple[str, str] | None:
        user = getattr(request, "user", None)
        if isinstance(user, ApiClientPrincipal):
            return "api_client", f"client:{user.client.pk}"
        if user is not None and user.is_authenticated:
            return "api_user", f"user:{user.pk}"
        return None  # refused as unauthenticated before it costs anything

    def allow_request(self, request, view) -> bool:
        caller = self._caller(request)
        if caller is None:
            return True
        self.scope, self.ident = caller
        self.rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache is down: a rate limit must not take the API with it
            logger.exception("throttle cache unavailable; letting %s through", self.ident)
            return True

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.ident}
