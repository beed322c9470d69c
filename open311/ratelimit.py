"""Per-client (or per-address) request budget, counted in Redis so every worker shares it."""

import logging
import time
from dataclasses import dataclass
from functools import lru_cache

import redis
from django.conf import settings
from django.utils.translation import gettext as _

from gis_portal.throttles import LimitsUnavailable

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 60


class RateLimited(Exception):
    """The budget of the minute is spent: 429, with the seconds to wait."""

    status_code = 429
    field = "api_key"

    def __init__(self, retry_after: int):
        self.message = _("Vượt giới hạn số yêu cầu; thử lại sau %(n)s giây.") % {"n": retry_after}
        super().__init__(self.message)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    remaining: int
    retry_after: int


@lru_cache(maxsize=4)
def _connection(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)


def redis_url() -> str:
    return settings.OPEN311_REDIS_URL or settings.CELERY_BROKER_URL


def key_prefix() -> str:
    return settings.OPEN311_RATE_LIMIT_PREFIX


def rate_limit_hit(
    *, identity: str, limit: int, fail_closed: bool = True, now: float | None = None
) -> RateDecision:
    """Count one request in the current minute window; refuse past `limit`.

    A fixed window is enough here: the budget protects the portal, it does not bill anyone.
    When Redis is unreachable a `fail_closed` budget (anonymous clients: their only limit is
    this counter) refuses with LimitsUnavailable, a 503 with Retry-After, as the portal's own
    throttles do; any other (a keyed client: accountable, revocable, and filing citizens'
    reports) lets the request through, logged.
    """
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"{key_prefix()}:{identity}:{window}"
    try:
        pipe = _connection(redis_url()).pipeline()
        pipe.incr(key)
        pipe.expire(key, WINDOW_SECONDS * 2)
        count, _ = pipe.execute()
    except redis.RedisError as exc:
        if fail_closed:
            logger.warning("Open311 rate limit store unreachable; request refused")
            raise LimitsUnavailable() from exc
        logger.warning("Open311 rate limit store unreachable; request allowed", exc_info=True)
        return RateDecision(allowed=True, remaining=limit, retry_after=0)
    retry_after = int((window + 1) * WINDOW_SECONDS - now) + 1
    return RateDecision(
        allowed=count <= limit, remaining=max(limit - count, 0), retry_after=retry_after
    )
