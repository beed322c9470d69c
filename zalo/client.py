"""The portal's calls to Zalo: the OA API (answers, a user's display name) and the photo CDN.
Only the outbox consumers call these, never a request."""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from zalo.errors import ZaloApiError, ZaloMediaRefused

logger = logging.getLogger(__name__)
USER_AGENT = "DienBien-Portal-Zalo/1"
# Zalo's limit for a consultation (cs) text message.
MESSAGE_TEXT_MAX = 2000
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead anywhere (an internal address): it is an error instead.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _api_call(request: urllib.request.Request) -> dict:
    where = urlsplit(request.full_url).path
    try:
        with _OPENER.open(request, timeout=settings.ZALO_API_TIMEOUT_SECONDS) as response:
            raw = response.read(1 << 20)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise ZaloApiError(f"HTTP {exc.code} from Zalo {where}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ZaloApiError(f"{type(reason).__name__} calling Zalo {where}: {reason}") from None
    try:
        answer = json.loads(raw)
    except ValueError:
        raise ZaloApiError(f"Zalo {where} answered something other than JSON") from None
    if not isinstance(answer, dict) or answer.get("error", 0) != 0:
        error = answer.get("error") if isinstance(answer, dict) else None
        message = answer.get("message", "") if isinstance(answer, dict) else ""
        raise ZaloApiError(f"Zalo {where} error {error}: {message}"[:500])
    return answer


def _token() -> str:
    if not settings.ZALO_ACCESS_TOKEN:
        raise ZaloApiError("ZALO_ACCESS_TOKEN is not set: the OA cannot answer")
    return settings.ZALO_ACCESS_TOKEN


def api_message_send(*, user_id: str, text: str) -> str:
    """Send a text (a consultation message, v3 /oa/message/cs) to one user; Zalo's message id.
    ZaloApiError on any failure, so the outbox retries and then dead-letters it."""
    body = {"recipient": {"user_id": user_id}, "message": {"text": text[:MESSAGE_TEXT_MAX]}}
    request = urllib.request.Request(
        settings.ZALO_API_BASE.rstrip("/") + "/v3.0/oa/message/cs",
        data=json.dumps(body, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "access_token": _token(),
        },
    )
    answer = _api_call(request)
    data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
    return str(data.get("message_id", ""))[:128]


def api_display_name(*, user_id: str) -> str:
    """The user's Zalo display name (v3 /oa/user/detail), or "" when Zalo will not say."""
    query = urlencode({"data": json.dumps({"user_id": user_id})})
    try:
        request = urllib.request.Request(
            settings.ZALO_API_BASE.rstrip("/") + "/v3.0/oa/user/detail?" + query,
            headers={"User-Agent": USER_AGENT, "access_token": _token()},
        )
        answer = _api_call(request)
    except ZaloApiError as exc:
        # The name is a convenience: the IOC completes a draft without one.
        logger.info("No Zalo display name for a sender: %s", exc)
        return ""
    data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
    name = data.get("display_name")
    return name.strip()[:200] if isinstance(name, str) else ""


def media_url_problem(url: str) -> str:
    """Why the portal will not fetch this photo address, or "" when it may: https on the
    default port to an allowed Zalo CDN host; http to this machine only in tests."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "malformed address"
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username or parts.password:
        return "no host, or credentials in the address"
    if parts.scheme == "http" and settings.ZALO_MEDIA_ALLOW_HTTP and host in LOCAL_HOSTS:
        pass
    elif parts.scheme != "https" or port not in (None, 443):
        return "not https on port 443"
    allowed = [h.lower().strip(".") for h in settings.ZALO_MEDIA_HOSTS if h.strip(".")]
    if not any(host == h or host.endswith("." + h) for h in allowed):
        return f"host {host} is not a Zalo media host"
    return ""


def media_download(*, url: str, max_bytes: int) -> bytes:
    """The photo at `url`. ZaloMediaRefused when it is not to be kept (address refused, too
    large, gone); ZaloApiError when the CDN failed for now (the outbox retries)."""
    problem = media_url_problem(url)
    if problem:
        raise ZaloMediaRefused(problem)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    host = urlsplit(url).hostname
    try:
        with _OPENER.open(request, timeout=settings.ZALO_MEDIA_TIMEOUT_SECONDS) as response:
            data = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        if 400 <= exc.code < 500 or 300 <= exc.code < 400:
            raise ZaloMediaRefused(f"HTTP {exc.code} from {host}") from None
        raise ZaloApiError(f"HTTP {exc.code} from {host}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ZaloApiError(f"{type(exc).__name__} fetching a photo from {host}") from None
    if len(data) > max_bytes:
        raise ZaloMediaRefused(f"photo from {host} larger than {max_bytes} bytes")
    return data
