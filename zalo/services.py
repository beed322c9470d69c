"""A Zalo conversation becomes a report draft.

The webhook only records: each message joins its sender's open conversation, in the request's
transaction with the answers it queues in the outbox. Finishing ("xong", or a silence longer
than ZALO_CONVERSATION_IDLE_MINUTES) queues the conversation itself; its outbox consumer fetches
the photos from Zalo's CDN and hands everything to reports.services.drafts.draft_create."""

import logging
import unicodedata
from datetime import datetime, timedelta

import filetype
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outbox.services import outbox_enqueue
from reports.errors import ReportInvalid
from reports.inputs import DESCRIPTION_MAX, NAME_MAX
from reports.models import Report
from reports.services.contact import in_portal_language
from reports.services.drafts import draft_create
from zalo import client
from zalo.errors import ZaloMediaRefused
from zalo.events import IMAGE, LOCATION, TEXT, ZaloEvent
from zalo.models import Conversation, InboundEvent, Reply

logger = logging.getLogger(__name__)
State = Conversation.State
REPLY_TOPIC = "zalo.reply"
DRAFT_TOPIC = "zalo.draft"
# What a user writes to say they are done (compared without diacritics or case).
FINISH_WORDS = frozenset({"xong", "hoan tat", "hoan thanh", "done", "ok xong"})
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
KEEP_CONTROLS = {"\n", "\t"}
# _take's answer when the user said they are done.
FINISH = object()


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    letters = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(letters.strip(" .!?'\"").split())


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n")
    return "".join(
        ch for ch in text if unicodedata.category(ch) != "Cc" or ch in KEEP_CONTROLS
    ).strip()


def reply_enqueue(*, key: str, user_id: str, text: str) -> Reply | None:
    """Queue one answer to a user, once per `key` (in the caller's transaction)."""
    reply, created = Reply.objects.get_or_create(
        key=key[:120], defaults={"zalo_user_id": user_id, "text": text}
    )
    if not created:
        return None
    outbox_enqueue(topic=REPLY_TOPIC, payload={"reply_id": reply.pk})
    return reply


def reply_send(*, reply_id: int) -> bool:
    """The outbox consumer of an answer: POST it to the Zalo OA API once. ZaloApiError on a
    failure (non-2xx, Zalo error ≠ 0, timeout): the outbox retries, then dead-letters it."""
    reply = Reply.objects.select_for_update().filter(pk=reply_id).first()
    if reply is None or reply.sent_at is not None:
        return False
    reply.zalo_message_id = client.api_message_send(user_id=reply.zalo_user_id, text=reply.text)
    reply.sent_at = timezone.now()
    # Said is said: the row keeps only that it was sent (its key stops a second send).
    reply.text = ""
    reply.save(update_fields=["zalo_message_id", "sent_at", "text"])
    return True


def _collecting(*, user_id: str, now: datetime) -> Conversation:
    """The user's open conversation, locked; a new one if they have none."""
    existing = (
        Conversation.objects.select_for_update()
        .filter(zalo_user_id=user_id, state=State.COLLECTING)
        .first()
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Conversation.objects.create(zalo_user_id=user_id, last_message_at=now)
    except IntegrityError:
        # Another request of the same user opened it a moment ago.
        return Conversation.objects.select_for_update().get(
            zalo_user_id=user_id, state=State.COLLECTING
        )


@in_portal_language
def event_accept(*, event: ZaloEvent, now: datetime | None = None) -> str:
    """Take one verified event in: "accepted", "duplicate" (its msg_id was seen) or "ignored"
    (an event without a message of the user's). Quick: writes rows and outbox messages only."""
    if not event.is_message:
        return "ignored"
    now = now or timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                inbound = InboundEvent.objects.create(msg_id=event.msg_id, event_name=event.name)
        except IntegrityError:
            return "duplicate"
        conversation = _collecting(user_id=event.user_id, now=now)
        inbound.conversation = conversation
        inbound.save(update_fields=["conversation"])
        if event.display_name:
            conversation.display_name = event.display_name
        answer = _take(conversation, event)
        conversation.last_message_at = now
        if answer is FINISH:
            _finish(conversation, now=now, key=f"event:{event.msg_id}")
        else:
            conversation.save()
            if answer:
                reply_enqueue(key=f"event:{event.msg_id}", user_id=event.user_id, text=answer)
    return "accepted"


def _take(conversation: Conversation, event: ZaloEvent):
    """Add the event to the conversation; the answer to send (None: no answer; FINISH)."""
    if event.name == TEXT:
        text = _clean(event.text)
        if not text:
            return None
        if _plain(text) in FINISH_WORDS:
            if not conversation.texts:
                return _("Hãy mô tả sự việc bằng một tin nhắn trước khi gửi 'xong'.")
            if conversation.lon is None and not conversation.place_asked:
                conversation.place_asked = True
                return _(
                    "Bạn chưa gửi vị trí. Gửi vị trí (Location) nơi xảy ra sự việc, hoặc gửi "
                    "'xong' lần nữa để gửi phản ánh không kèm vị trí (cán bộ sẽ xác định sau)."
                )
            return FINISH
        first = not conversation.texts
        if len(conversation.texts) >= settings.ZALO_CONVERSATION_MAX_TEXTS:
            return _("Phản ánh đã đủ dài. Gửi 'xong' để hoàn tất.")
        conversation.texts = [*conversation.texts, text]
        if not first:
            return None
        if conversation.lon is None:
            return _(
                "Cổng phản ánh hiện trường tỉnh Điện Biên đã nhận nội dung. Gửi vị trí "
                "(Location) nơi xảy ra sự việc và ảnh chụp hiện trường (nếu có). "
                "Gửi 'xong' để hoàn tất."
            )
        return _("Đã nhận nội dung. Gửi thêm ảnh (nếu có), rồi gửi 'xong' để hoàn tất.")
    if event.name == LOCATION:
        conversation.lon, conversation.lat = event.lon, event.lat
        if not conversation.texts:
            return _(
                "Đã nhận vị trí. Hãy mô tả sự việc bằng tin nhắn, gửi ảnh (nếu có), rồi gửi "
                "'xong' để hoàn tất."
            )
        return _("Đã nhận vị trí. Gửi thêm ảnh (nếu có), rồi gửi 'xong' để hoàn tất.")
    # Photos: only addresses of Zalo's CDN are kept; they are fetched after "xong".
    images = list(conversation.images)
    room = settings.ZALO_MEDIA_MAX_IMAGES - len(images)
    for url in event.image_urls:
        problem = client.media_url_problem(url)
        if problem:
            logger.warning("Zalo photo address refused (%s)", problem)
            continue
        if room <= 0:
            return _("Đã đủ %(count)d ảnh; ảnh gửi thêm không được nhận.") % {
                "count": settings.ZALO_MEDIA_MAX_IMAGES
            }
        images.append({"msg_id": event.msg_id, "url": url})
        room -= 1
    caption = _clean(event.text) if event.name == IMAGE else ""
    if caption and not conversation.texts:
        conversation.texts = [caption]
    if len(images) == len(conversation.images):
        return _("Không nhận được tệp này. Hãy gửi ảnh chụp hiện trường (JPEG, PNG, WebP).")
    conversation.images = images
    return _("Đã nhận %(count)d ảnh. Gửi 'xong' để hoàn tất.") % {"count": len(images)}


def _finish(conversation: Conversation, *, now: datetime, key: str) -> None:
    conversation.state = State.FINISHED
    conversation.finished_at = now
    conversation.save()
    outbox_enqueue(topic=DRAFT_TOPIC, payload={"conversation_id": conversation.pk})
    reply_enqueue(
        key=key,
        user_id=conversation.zalo_user_id,
        text=_(
            "Cảm ơn bạn. Phản ánh đang được chuyển tới Trung tâm IOC; mã phản ánh sẽ được "
            "gửi qua Zalo khi phản ánh được tiếp nhận."
        ),
    )


@in_portal_language
def conversations_idle_close(*, now: datetime | None = None) -> dict:
    """The beat task: a conversation silent for ZALO_CONVERSATION_IDLE_MINUTES is sent on as
    if its user had written "xong"; one without any text is dropped. Message ids older than
    twice the replay window are forgotten: an event that old is refused by its timestamp."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.ZALO_CONVERSATION_IDLE_MINUTES)
    forget = now - timedelta(seconds=2 * settings.ZALO_WEBHOOK_MAX_AGE_SECONDS)
    InboundEvent.objects.filter(received_at__lt=forget).delete()
    counts = {"finished": 0, "abandoned": 0}
    while True:
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update(skip_locked=True)
                .filter(state=State.COLLECTING, last_message_at__lt=cutoff)
                .order_by("last_message_at")
                .first()
            )
            if conversation is None:
                return counts
            if conversation.texts:
                _finish(conversation, now=now, key=f"idle:{conversation.uuid}")
                counts["finished"] += 1
            else:
                conversation.state = State.ABANDONED
                conversation.finished_at = now
                _content_wipe(conversation)
                conversation.save()
                counts["abandoned"] += 1


def _content_wipe(conversation: Conversation) -> None:
    # The draft (or nobody) holds the reporter's words from now on.
    conversation.texts = []
    conversation.images = []
    conversation.display_name = ""
    conversation.lon = conversation.lat = None


def _photos(conversation: Conversation) -> list[SimpleUploadedFile]:
    """The conversation's photos, fetched now; one refused (gone, too large, not a photo) is
    left out. A CDN failure raises ZaloApiError and the whole message is retried."""
    files = []
    for index, image in enumerate(conversation.images, start=1):
        try:
            data = client.media_download(
                url=image["url"], max_bytes=settings.REPORTS_MEDIA_MAX_IMAGE_BYTES
            )
        except ZaloMediaRefused as exc:
            logger.warning(
                "Zalo photo %s of conversation %s left out: %s", index, conversation.pk, exc
            )
            continue
        kind = filetype.guess(data[:8192])
        if kind is None or kind.mime not in PHOTO_TYPES:
            logger.warning(
                "Zalo photo %s of conversation %s is not a photo", index, conversation.pk
            )
            continue
        name = f"zalo-{index}.{PHOTO_TYPES[kind.mime]}"
        files.append(SimpleUploadedFile(name, data, content_type=kind.mime))
    return files


def conversation_draft(*, conversation_id: int) -> bool:
    """The outbox consumer of a finished conversation: its draft, once. True when made now."""
    conversation = Conversation.objects.select_for_update().filter(pk=conversation_id).first()
    if conversation is None or conversation.state != State.FINISHED:
        return False
    files = _photos(conversation)
    full_name = conversation.display_name or client.api_display_name(
        user_id=conversation.zalo_user_id
    )
    values = {
        "channel": Report.Channel.ZALO,
        "external_id": f"zalo-{conversation.uuid}",
        "sender": conversation.zalo_user_id,
        "description": "\n".join(conversation.texts)[:DESCRIPTION_MAX],
        "lon": conversation.lon,
        "lat": conversation.lat,
        "location_source": Report.LocationSource.PIN,
        "full_name": full_name[:NAME_MAX],
    }
    try:
        outcome = draft_create(**values, files=files)
    except ReportInvalid as exc:
        # A photo the media pipeline refuses must not lose the report itself.
        if exc.field != "media" or not files:
            raise
        logger.warning("Zalo photos of conversation %s refused: %s", conversation.pk, exc)
        outcome = draft_create(**values, files=[])
    conversation.draft = outcome.draft
    conversation.state = State.DRAFTED
    _content_wipe(conversation)
    conversation.save()
    return outcome.created
