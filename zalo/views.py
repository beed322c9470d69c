"""The Zalo OA webhook: verify, record, answer 200 at once (Zalo wants a 200 within 2 s and
redelivers otherwise); everything slow happens in the outbox consumers."""

import time

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zalo.errors import ZaloEventTooLarge, ZaloSignatureInvalid, ZaloSignatureMissing
from zalo.events import event_parse
from zalo.services import event_accept
from zalo.signature import HEADER, signature_matches


def _body(request: Request) -> bytes:
    limit = settings.ZALO_WEBHOOK_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise ZaloEventTooLarge(_("Sự kiện quá lớn."), field="body")
    raw = request.body
    if len(raw) > limit:
        raise ZaloEventTooLarge(_("Sự kiện quá lớn."), field="body")
    return raw


class ZaloWebhookView(APIView):
    # Zalo's servers sign the event; no session, so no CSRF, and no token.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "zalo-webhook"
    # The raw body is read (it is what the signature covers), never DRF's parsed data.
    parser_classes: list = []

    def post(self, request: Request) -> Response:
        secret = settings.ZALO_OA_SECRET_KEY
        if not secret:
            raise Http404
        raw = _body(request)
        header = request.headers.get(HEADER, "")
        if not header.strip():
            raise ZaloSignatureMissing(_("Thiếu chữ ký Zalo."), field=HEADER)
        event = event_parse(raw)
        if settings.ZALO_APP_ID and event.app_id != settings.ZALO_APP_ID:
            raise ZaloSignatureInvalid(_("Sự kiện của ứng dụng khác."), field="app_id")
        if not signature_matches(
            header=header, app_id=event.app_id, body=raw, timestamp=event.timestamp, secret=secret
        ):
            raise ZaloSignatureInvalid(_("Chữ ký Zalo không đúng."), field=HEADER)
        # The timestamp is inside the signed body, so a replay is the same bytes: past the
        # window it is refused here, within it its msg_id is already recorded.
        age_ms = abs(time.time() * 1000 - int(event.timestamp))
        if age_ms > settings.ZALO_WEBHOOK_MAX_AGE_SECONDS * 1000:
            raise ZaloSignatureInvalid(_("Sự kiện đã quá hạn."), field="timestamp")
        return Response({"status": event_accept(event=event)})
