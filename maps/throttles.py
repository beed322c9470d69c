"""A request limit that counts signed-in staff too, for endpoints that build a whole file.

gis_portal.throttles.PortalScopedThrottle never limits staff; an HTML report or a 200,000-row
GeoPackage costs the server as much whoever asks, so these views use this one instead (its own
scopes and rates in REST_FRAMEWORK DEFAULT_THROTTLE_RATES, the same Vietnamese 429 and
fail-closed 503).
"""

from redis.exceptions import RedisError
from rest_framework.throttling import ScopedRateThrottle

from gis_portal.throttles import LimitsUnavailable, PortalScopedThrottle, RequestLimited


class EveryoneScopedThrottle(PortalScopedThrottle):
    def allow_request(self, request, view) -> bool:
        if not getattr(view, self.scope_attr, None):
            return True
        try:
            allowed = ScopedRateThrottle.allow_request(self, request, view)
        except RedisError as exc:
            raise LimitsUnavailable() from exc
        if not allowed:
            raise RequestLimited(self.wait() or 1)
        return True
