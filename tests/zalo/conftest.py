"""The Zalo channel through its real webhook, outbox and draft pipeline; only Zalo (its OA API
and photo CDN) is a local HTTP server. Events are the recorded payloads of payloads/, given
the current time and signed by the documented recipe (written here, not the portal's)."""

import copy
import hashlib
import json
import time
from pathlib import Path

import pytest
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from tests.reports.conftest import *  # noqa: F403
from tests.zalo._zalo_stub import ACCESS_TOKEN, ZaloStub

PAYLOADS = Path(__file__).parent / "payloads"
APP_ID = "4305187302118475012"
SECRET = "oa-secret-thu-nghiem-0123456789"
USER = "2512523625412515"
WEBHOOK = "/zalo/webhook/"


def payload(name: str, **changes) -> dict:
    """A recorded event; `changes` set top-level keys, `text=`/`msg_id=`/`user=` the usual."""
    body = copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))
    body["timestamp"] = str(int(time.time() * 1000))
    if "user" in changes:
        body["sender"]["id"] = changes.pop("user")
    for key in ("text", "msg_id"):
        if key in changes:
            body["message"][key] = changes.pop(key)
    if "url" in changes:
        body["message"]["attachments"][0]["payload"]["url"] = changes.pop("url")
    body.update(changes)
    return body


def zalo_sign(raw: bytes, body: dict, secret: str = SECRET) -> str:
    """Zalo's X-ZEvent-Signature: "mac=" + sha256(app_id + raw body + timestamp + OA key)."""
    data = body["app_id"].encode() + raw + str(body["timestamp"]).encode() + secret.encode()
    return "mac=" + hashlib.sha256(data).hexdigest()


@pytest.fixture
def zalo_stub(settings, media_root):
    settings.ZALO_APP_ID = APP_ID
    settings.ZALO_OA_SECRET_KEY = SECRET
    settings.ZALO_ACCESS_TOKEN = ACCESS_TOKEN
    settings.ZALO_API_TIMEOUT_SECONDS = 3
    settings.ZALO_MEDIA_TIMEOUT_SECONDS = 3
    settings.ZALO_MEDIA_HOSTS = ["127.0.0.1"]
    settings.ZALO_MEDIA_ALLOW_HTTP = True
    stub = ZaloStub()
    settings.ZALO_API_BASE = stub.base
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()


@pytest.fixture
def zalo_post(api_client, zalo_stub):
    """POST one event to the webhook as Zalo does; `signature=` replaces the right one."""

    def _post(body: dict, *, signature: str | None = None, raw: bytes | None = None):
        raw = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        headers = {}
        sig = zalo_sign(raw, body) if signature is None else signature
        if sig:
            headers["HTTP_X_ZEVENT_SIGNATURE"] = sig
        return api_client.post(WEBHOOK, data=raw, content_type="application/json", **headers)

    return _post


def relay(*, later: bool = False) -> None:
    """What the worker's relay does now (or, `later`, once every backoff has passed)."""
    outbox_relay(now=timezone.now() + timezone.timedelta(hours=1) if later else None)


def pending_topics() -> list[str]:
    return list(
        OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).values_list(
            "topic", flat=True
        )
    )
