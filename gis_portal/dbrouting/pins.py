"""Read-your-writes: a client that has just written reads from the primary for a while.

Browsers carry a signed cookie (no server state, and it cannot be made up to keep a client off
the replica without writing). API clients, which may not keep cookies, are remembered in the
Redis cache by account (token or session) or by Open311 key (its digest, never the key).
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

from reports.policy import user_authenticated

COOKIE = "db_pin"
SALT = "gis_portal.dbrouting.pins"
KEY_PREFIX = "dbrouting:pin:"

log = logging.getLogger(__name__)


def _api_key(request: HttpRequest) -> str:
    # Open311 (GeoReport v2) clients send their key in X-Api-Key or an `api_key` parameter.
    key = request.headers.get("X-Api-Key") or request.GET.get("api_key")
    if not key and request.method == "POST":
        key = request.POST.get("api_key")
    return key or ""


def _identities(request: HttpRequest) -> list[str]:
    keys = []
    user = getattr(request, "user", None)
    if user_authenticated(user):
        keys.append(f"{KEY_PREFIX}user:{user.pk}")
    api_key = _api_key(request)
    if api_key:
        keys.append(f"{KEY_PREFIX}key:{hashlib.sha256(api_key.encode()).hexdigest()}")
    return keys


def pin_set(request: HttpRequest, response: HttpResponse) -> None:
    """After a successful write by this client."""
    seconds = settings.DB_REPLICA_PIN_SECONDS
    if seconds <= 0:
        return
    keys = _identities(request)
    if keys:
        try:
            cache.set_many(dict.fromkeys(keys, 1), timeout=seconds)
        except RedisError as exc:
            # The write itself succeeded; the account's next reads may be stale for a moment.
            log.warning("Read-your-writes pin not stored: %s", exc)
    if "Authorization" not in request.headers and not _api_key(request):
        response.set_signed_cookie(
            COOKIE,
            "1",
            salt=SALT,
            max_age=seconds,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def pinned(request: HttpRequest) -> bool:
    seconds = settings.DB_REPLICA_PIN_SECONDS
    if seconds <= 0:
        return False
    if request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=seconds) is not None:
        return True
    keys = _identities(request)
    if not keys:
        return False
    try:
        return bool(cache.get_many(keys))
    except RedisError:
        return True  # cannot tell: the primary is never stale
