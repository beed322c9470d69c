"""Reading a Zalo OA webhook event (its documented JSON shape) into what the channel uses.

{"app_id": "…", "event_name": "user_send_text", "timestamp": "1733090000000",
 "sender": {"id": "<user id for this OA>"}, "recipient": {"id": "<OA id>"},
 "message": {"msg_id": "…", "text": "…",
             "attachments": [{"type": "location",
                              "payload": {"coordinates": {"latitude": "21.41",
                                                          "longitude": "103.05"}}},
                             {"type": "image", "payload": {"url": "https://…"}}]}}
"""

import json
import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from zalo.errors import ZaloEventInvalid

TEXT = "user_send_text"
LOCATION = "user_send_location"
IMAGE = "user_send_image"
FILE = "user_send_file"
# Events that carry a message of the user's; the others (follow, seen…) are acknowledged only.
MESSAGE_EVENTS = frozenset({TEXT, LOCATION, IMAGE, FILE})
# A file is kept only when its name says it is a photo (it is checked again once downloaded).
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
TEXT_MAX = 2000


@dataclass(frozen=True)
class ZaloEvent:
    name: str
    app_id: str
    timestamp: str
    user_id: str = ""
    display_name: str = ""
    msg_id: str = ""
    text: str = ""
    lon: float | None = None
    lat: float | None = None
    image_urls: list[str] = field(default_factory=list)

    @property
    def is_message(self) -> bool:
        return self.name in MESSAGE_EVENTS


def _string(value, *, name: str, required: bool = True, max_length: int = 255) -> str:
    if value is None or value == "":
        if required:
            raise ZaloEventInvalid(_("Thiếu trường %(field)s.") % {"field": name}, field=name)
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ZaloEventInvalid(_("Trường %(field)s không hợp lệ.") % {"field": name}, field=name)
    text = str(value)
    if len(text) > max_length:
        raise ZaloEventInvalid(_("Trường %(field)s quá dài.") % {"field": name}, field=name)
    return text


def _object(value, *, name: str) -> dict:
    if not isinstance(value, dict):
        raise ZaloEventInvalid(_("Thiếu trường %(field)s.") % {"field": name}, field=name)
    return value


def _coordinate(value, *, name: str, bound: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or abs(number) > bound:
        raise ZaloEventInvalid(_("Tọa độ %(field)s không hợp lệ.") % {"field": name}, field=name)
    return number


def _attachments(message: dict) -> list[dict]:
    items = message.get("attachments") or []
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ZaloEventInvalid(
            _("Trường message.attachments không hợp lệ."), field="message.attachments"
        )
    return items


def event_parse(raw: bytes) -> ZaloEvent:
    """The event the body carries; ZaloEventInvalid (400) naming the field."""
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise ZaloEventInvalid(_("Nội dung không phải JSON hợp lệ."), field="body") from None
    if not isinstance(body, dict):
        raise ZaloEventInvalid(_("Nội dung phải là một đối tượng JSON."), field="body")
    name = _string(body.get("event_name"), name="event_name", max_length=40)
    app_id = _string(body.get("app_id"), name="app_id", max_length=64)
    timestamp = _string(body.get("timestamp"), name="timestamp", max_length=20)
    if not timestamp.isdigit():
        raise ZaloEventInvalid(_("Trường timestamp không hợp lệ."), field="timestamp")
    if name not in MESSAGE_EVENTS:
        return ZaloEvent(name=name, app_id=app_id, timestamp=timestamp)
    sender = _object(body.get("sender"), name="sender")
    message = _object(body.get("message"), name="message")
    values = {
        "user_id": _string(sender.get("id"), name="sender.id", max_length=64),
        "display_name": _string(
            sender.get("display_name"), name="sender.display_name", required=False, max_length=200
        ),
        "msg_id": _string(message.get("msg_id"), name="message.msg_id", max_length=128),
        "text": _string(
            message.get("text"), name="message.text", required=False, max_length=TEXT_MAX
        ),
    }
    attachments = _attachments(message)
    if name == LOCATION:
        place = next((a for a in attachments if a.get("type") == "location"), None)
        payload = _object((place or {}).get("payload"), name="message.attachments.payload")
        coordinates = _object(payload.get("coordinates"), name="coordinates")
        values["lat"] = _coordinate(coordinates.get("latitude"), name="latitude", bound=90)
        values["lon"] = _coordinate(coordinates.get("longitude"), name="longitude", bound=180)
        # A location message's text is the place's label, not the user's words.
        values["text"] = ""
    elif name in (IMAGE, FILE):
        urls = []
        for item in attachments:
            payload = item.get("payload") if isinstance(item.get("payload"), dict) else {}
            url = payload.get("url")
            if not isinstance(url, str) or not url:
                continue
            if item.get("type") == "image" or (
                item.get("type") == "file"
                and str(payload.get("name", "")).lower().endswith(PHOTO_SUFFIXES)
            ):
                urls.append(url[:2000])
        values["image_urls"] = urls
    return ZaloEvent(name=name, app_id=app_id, timestamp=timestamp, **values)
