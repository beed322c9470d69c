"""Zalo's webhook signature.

Zalo sends `X-ZEvent-Signature: mac=<hex>`, the hex SHA-256 (a plain digest, not an HMAC) of
the app id, the raw JSON body, the event's `timestamp` field and the OA secret key (the OA's
key, not the app's), concatenated in that order. Sources: Zalo OA webhook documentation as
summarised in "Zalo API – PHP Webhook" (hainh.me/zalo-api-php-webhook-callback-official-account
.html: header X-ZEvent-Signature, "SHA256 của chuỗi kết hợp: ID của ứng dụng, chuỗi JSON trong
body, timestamp lấy từ chuỗi JSON, mã bí mật của Official Account"), and Chatwoot's Zalo channel
(github.com/chatwoot/chatwoot, app/jobs/webhooks/zalo_events_job.rb: compares the header with
"mac=" + SHA256(app_id + post_body + timestamp + ZALO_OA_SECRET_KEY)).
"""

import hashlib
import hmac

HEADER = "X-ZEvent-Signature"
PREFIX = "mac="


def signature_compute(*, app_id: str, body: bytes, timestamp: str, secret: str) -> str:
    """The header value Zalo sends for this event."""
    digest = hashlib.sha256(app_id.encode() + body + timestamp.encode() + secret.encode())
    return PREFIX + digest.hexdigest()


def signature_matches(
    *, header: str, app_id: str, body: bytes, timestamp: str, secret: str
) -> bool:
    expected = signature_compute(app_id=app_id, body=body, timestamp=timestamp, secret=secret)
    given = header.strip()
    if not given.lower().startswith(PREFIX):
        given = PREFIX + given
    # Constant time: the comparison must not tell a forger how much of the MAC was right.
    return hmac.compare_digest(expected.encode(), given.lower().encode())
