"""/healthz: is this process able to serve? The database answers and Redis (broker and cache)
answers a ping. Cheap enough for a load balancer every few seconds: no auth, no session, no
throttle, no template; 200 when every check passes, 503 naming the one that failed. The staff
page /trang-thai/ (operations/health.py) checks much more."""

from functools import lru_cache

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

# A health check that hangs is worse than one that fails: the balancer's own timeout is short.
REDIS_TIMEOUT_SECONDS = 1.0


@lru_cache(maxsize=8)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )


def database_ok(db=connection) -> bool:
    """Django's own usability probe (a SELECT 1); a persistent connection left broken by a
    database restart is dropped and opened again once before the check gives up."""
    for _ in range(2):
        try:
            db.ensure_connection()
            if db.is_usable():
                return True
        except Exception:  # noqa: BLE001 — any driver error means "not healthy"
            pass
        db.close()
    return False


def redis_url_ok(url: str) -> bool:
    try:
        _redis_client(url).ping()
    except redis.RedisError:
        return False
    return True


def redis_ok() -> bool:
    return all(redis_url_ok(url) for url in {settings.CELERY_BROKER_URL, settings.CACHE_REDIS_URL})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": "ok" if database_ok() else "error",
        "redis": "ok" if redis_ok() else "error",
    }
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
