"""The webhook's gate: only Zalo's signed, fresh events get in, each once, and fast."""

import json
import time

import pytest

from outbox.models import OutboxMessage
from tests.zalo.conftest import PAYLOADS, USER, WEBHOOK, payload, pending_topics, zalo_sign
from zalo.models import Conversation, InboundEvent, Reply

pytestmark = pytest.mark.django_db


def _nothing_stored() -> bool:
    return not (
        InboundEvent.objects.exists()
        or Conversation.objects.exists()
        or OutboxMessage.objects.exists()
    )


def test_a_signed_text_is_taken_in_and_answered_through_the_outbox(zalo_post, zalo_stub):
    response = zalo_post(payload("user_send_text"))
    assert response.status_code == 200 and response.json() == {"status": "accepted"}
    conversation = Conversation.objects.get()
    assert conversation.zalo_user_id == USER
    assert conversation.texts[0].startswith("Cống thoát nước")
    # Nothing was sent during the request: the answer waits in the outbox.
    assert zalo_stub.calls == [] and pending_topics() == ["zalo.reply"]
    assert "Gửi vị trí (Location)" in Reply.objects.get().text


def test_the_recorded_delivery_verifies_byte_for_byte(api_client, settings, zalo_stub):
    recorded = json.loads((PAYLOADS / "recorded_user_send_text.json").read_text())
    settings.ZALO_OA_SECRET_KEY = recorded["secret"]
    settings.ZALO_WEBHOOK_MAX_AGE_SECONDS = 10**9  # it was signed at a fixed moment
    response = api_client.post(
        WEBHOOK,
        data=recorded["body"].encode(),
        content_type="application/json",
        HTTP_X_ZEVENT_SIGNATURE=recorded["headers"]["X-ZEvent-Signature"],
    )
    assert response.status_code == 200 and InboundEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("", 401),
        ("mac=" + "0" * 64, 403),
        ("sha256=abc", 403),
    ],
)
def test_a_bad_signature_is_refused_and_nothing_is_stored(zalo_post, signature, code):
    response = zalo_post(payload("user_send_text"), signature=signature)
    assert response.status_code == code
    assert response.json()["field"] == "X-ZEvent-Signature"
    assert _nothing_stored()


def test_a_body_changed_after_signing_is_refused(zalo_post):
    body = payload("user_send_text")
    signature = zalo_sign(json.dumps(body, ensure_ascii=False).encode(), body)
    body["message"]["text"] = "Nội dung bị sửa"
    assert zalo_post(body, signature=signature).status_code == 403
    assert _nothing_stored()


def test_an_event_signed_with_another_key_or_for_another_app_is_refused(zalo_post):
    body = payload("user_send_text")
    raw = json.dumps(body).encode()
    assert zalo_post(body, signature=zalo_sign(raw, body, secret="khoa-khac")).status_code == 403
    other_app = payload("user_send_text", app_id="999")
    response = zalo_post(other_app)
    assert response.status_code == 403 and response.json()["field"] == "app_id"
    assert _nothing_stored()


def test_an_old_event_is_refused_as_a_replay(zalo_post):
    body = payload("user_send_text", timestamp=str(int((time.time() - 3600) * 1000)))
    response = zalo_post(body)
    assert response.status_code == 403 and response.json()["field"] == "timestamp"
    assert _nothing_stored()


def test_a_redelivered_event_is_ignored(zalo_post):
    body = payload("user_send_text")
    assert zalo_post(body).json() == {"status": "accepted"}
    assert zalo_post(body).json() == {"status": "duplicate"}
    assert len(Conversation.objects.get().texts) == 1
    assert Reply.objects.count() == 1 and OutboxMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"{not json", "body"),
        (b"[1, 2]", "body"),
        (json.dumps({"app_id": "1", "timestamp": "1"}).encode(), "event_name"),
    ],
)
def test_a_body_that_is_not_a_zalo_event_is_a_400_naming_the_field(zalo_post, raw, field):
    response = zalo_post({}, raw=raw, signature="mac=" + "0" * 64)
    assert response.status_code == 400 and response.json()["field"] == field
    assert _nothing_stored()


def test_a_message_without_its_sender_is_a_400_naming_the_field(zalo_post):
    body = payload("user_send_text")
    del body["sender"]["id"]
    response = zalo_post(body)
    assert response.status_code == 400 and response.json()["field"] == "sender.id"


def test_a_location_with_impossible_coordinates_is_a_400(zalo_post):
    body = payload("user_send_location")
    body["message"]["attachments"][0]["payload"]["coordinates"]["latitude"] = "123"
    response = zalo_post(body)
    assert response.status_code == 400 and response.json()["field"] == "latitude"


def test_an_event_without_a_message_is_acknowledged_and_ignored(zalo_post):
    response = zalo_post(payload("follow"))
    assert response.status_code == 200 and response.json() == {"status": "ignored"}
    assert _nothing_stored()


def test_an_oversized_body_is_refused(zalo_post, settings):
    settings.ZALO_WEBHOOK_MAX_BYTES = 512
    body = payload("user_send_text", text="x" * 1000)
    assert zalo_post(body).status_code == 413
    assert _nothing_stored()


def test_the_webhook_is_off_without_a_secret_and_takes_only_post(zalo_post, settings, api_client):
    assert api_client.get(WEBHOOK).status_code == 405
    settings.ZALO_OA_SECRET_KEY = ""
    assert zalo_post(payload("user_send_text")).status_code == 404
    assert _nothing_stored()


def test_the_webhook_needs_no_csrf_token(zalo_stub, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    body = payload("user_send_text")
    raw = json.dumps(body).encode()
    response = strict.post(
        WEBHOOK,
        data=raw,
        content_type="application/json",
        HTTP_X_ZEVENT_SIGNATURE=zalo_sign(raw, body),
    )
    assert response.status_code == 200


def test_a_flood_from_one_address_is_limited(zalo_post, monkeypatch):
    from gis_portal.throttles import PortalScopedThrottle

    monkeypatch.setitem(PortalScopedThrottle.THROTTLE_RATES, "zalo-webhook", "2/minute")
    codes = [zalo_post(payload("user_send_text", msg_id=f"f{n}")).status_code for n in range(3)]
    assert codes == [200, 200, 429]
