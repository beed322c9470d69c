"""Request limits for the API and the sign-up form, counted in the Redis cache.

A view opts in by naming a `throttle_scope` (rates in settings.REST_FRAMEWORK); signed-in staff
are never limited. If Redis cannot be reached the limit fails closed for everyone else: a clear
503 with Retry-After instead of letting every request through (or answering 500).
"""

import math

from django.utils.translation import gettext_lazy, ngettext
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle

UNAVAILABLE_RETRY_SECONDS = 30


class RequestLimited(Exception):
    """Too many requests from one client in one scope."""

    status_code = 429
    field = "non_field_errors"

    def __init__(self, wait_seconds: float):
        self.wait_seconds = max(1, math.ceil(wait_seconds))
        minutes = math.ceil(self.wait_seconds / 60)
        if self.wait_seconds >= 60:
            self.message = ngettext(
                "Bạn đã gửi quá nhiều yêu cầu loại này. Hãy thử lại sau %(n)s phút.",
                "Bạn đã gửi quá nhiều yêu cầu loại này. Hãy thử lại sau %(n)s phút.",
                minutes,
            ) % {"n": minutes}
        else:
            self.message = ngettext(
                "Bạn đã gửi quá nhiều yêu cầu loại này. Hãy thử lại sau %(n)s giây.",
                "Bạn đã gửi quá nhiều yêu cầu loại này. Hãy thử lại sau %(n)s giây.",
                self.wait_seconds,
            ) % {"n": self.wait_seconds}
        self.headers = {"Retry-After": str(self.wait_seconds)}
        super().__init__(self.message)


class LimitsUnavailable(Exception):
    """The counters cannot be read: anonymous and citizen requests are refused for now."""

    status_code = 503
    field = "non_field_errors"
    message = gettext_lazy(
        "Hệ thống tạm thời không kiểm soát được lưu lượng. Hãy thử lại sau ít phút."
    )
    headers = {"Retry-After": str(UNAVAILABLE_RETRY_SECONDS)}


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For entry added by the trusted
    proxies (REST_FRAMEWORK NUM_PROXIES). The throttles and the login lockout both use it."""
    return BaseThrottle().get_ident(request)


class PortalScopedThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (per user when signed in, else per address) that raises the
    portal's domain errors, in Vietnamese, instead of DRF's English `Throttled`."""

    def allow_request(self, request, view) -> bool:
        # DRF imports the default throttle classes while the app registry may still be
        # loading, before reports.models can be imported.
        from reports.policy import user_is_staff

        if not getattr(view, self.scope_attr, None) or user_is_staff(request.user):
            return True
        try:
            allowed = super().allow_request(request, view)
        except RedisError as exc:
            raise LimitsUnavailable() from exc
        if not allowed:
            raise RequestLimited(self.wait() or 1)
        return True
