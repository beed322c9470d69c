"""One incoming e-mail becomes a channel draft (reports.services.drafts): its sender, subject,
text and photos, the place from the first photo's GPS. Mails no person wrote (auto-replies,
bounces, lists, our own) are dropped; what the sender can fix is answered, in Vietnamese.
Nothing here logs an address or a name: a mail is named by a hash of its Message-ID."""

import hashlib
import logging
import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from mailin.models import MailReply
from mailin.parsing import Attachment, IncomingMail, mail_parse
from mailin.services.replies import in_portal_language, reply_enqueue, reply_from
from reports.errors import ReportError, ReportInvalid
from reports.inputs import input_email
from reports.models import Report, ReportDraft
from reports.services.drafts import draft_create
from reports.services.media import image_gps, media_prepare
from routing_rules.models import Category
from routing_rules.selectors import category_by_code

logger = logging.getLogger(__name__)
Kind = MailReply.Kind
# "[ve-sinh-moi-truong]" or "#ve-sinh-moi-truong" in the subject names the category: the one
# guess trivial enough to make here (suggesting one from the text is another app's work).
CODE_TAG = re.compile(r"(?:\[|#)([a-z0-9][a-z0-9-]{1,59})\]?", re.IGNORECASE)
NAME_SHOWN_MAX = 80
# A place written in the text: "21.4156, 103.0578", a geo: URI, or a map link's "@lat,lon" /
# "q=lat,lon". At least four decimals (about 10 m), so a price or a date is never a place.
COORDINATES = re.compile(r"(?<![\d.])(-?\d{1,2}\.\d{4,})\s*[,;]\s*(-?\d{1,3}\.\d{4,})(?![\d.])")


@dataclass(frozen=True)
class ReceiveOutcome:
    # draft (waits for the IOC), filed (a report at once), ignored (no answer), refused
    # (answered with what to fix)
    status: str
    reason: str = ""
    draft: ReportDraft | None = None

    @property
    def report(self) -> Report | None:
        return self.draft.report if self.draft is not None else None


def mail_ref(message_id: str) -> str:
    """What a log line names a mail by: a Message-ID often carries the sender's address."""
    return hashlib.sha256(message_id.encode()).hexdigest()[:12]


def own_addresses() -> set[str]:
    addresses = {reply_from(), settings.DEFAULT_FROM_EMAIL, *settings.MAILIN_OWN_ADDRESSES}
    if "@" in settings.MAILIN_IMAP_USER:
        addresses.add(settings.MAILIN_IMAP_USER)
    return {address.strip().lower() for address in addresses if address}


def _ignored(mail: IncomingMail, reason: str) -> ReceiveOutcome:
    logger.info("Mail %s ignored: %s", mail_ref(mail.message_id), reason)
    return ReceiveOutcome(status="ignored", reason=reason)


def _refused(mail: IncomingMail, reason: str, notes: list[str]) -> ReceiveOutcome:
    reply_enqueue(
        kind=Kind.ERROR,
        in_reply_to=mail.message_id,
        to=mail.address,
        subject=mail.subject,
        references=mail.references,
        notes=notes,
    )
    logger.info("Mail %s refused: %s", mail_ref(mail.message_id), reason)
    return ReceiveOutcome(status="refused", reason=reason)


def _shown(name: str) -> str:
    name = " ".join(name.split()) or _("(không tên)")
    return name if len(name) <= NAME_SHOWN_MAX else name[: NAME_SHOWN_MAX - 1] + "…"


def _photos(attachments: tuple[Attachment, ...]) -> tuple[list[ContentFile], list[str]]:
    """The attachments the report can take, each checked alone: a bad one is skipped with a
    note for the sender, never the whole mail."""
    files: list[ContentFile] = []
    notes: list[str] = []
    for index, attachment in enumerate(attachments, start=1):
        name = attachment.filename or f"anh-{index}"
        if len(files) >= settings.REPORTS_MEDIA_MAX_FILES:
            notes.append(
                _("Ảnh “%(name)s” bị bỏ qua: mỗi phản ánh nhận tối đa %(count)d ảnh.")
                % {"name": _shown(name), "count": settings.REPORTS_MEDIA_MAX_FILES}
            )
            continue
        upload = ContentFile(attachment.content, name=name)
        try:
            media_prepare([upload])
        except ReportInvalid:
            notes.append(
                _(
                    "Ảnh “%(name)s” bị bỏ qua: không đọc được, quá lớn (tối đa %(mb)d MB) hoặc "
                    "không phải JPEG, PNG, WebP."
                )
                % {"name": _shown(name), "mb": settings.REPORTS_MEDIA_MAX_IMAGE_BYTES // 2**20}
            )
            continue
        files.append(ContentFile(attachment.content, name=name))
    return files, notes


def _first_gps(files: list[ContentFile]) -> tuple[float, float] | None:
    # From the raw bytes: the media cleaning that follows drops every EXIF tag.
    for upload in files:
        upload.seek(0)
        found = image_gps(upload.read())
        upload.seek(0)
        if found is not None:
            return found
    return None


def text_coordinates(text: str) -> tuple[float, float] | None:
    """(lon, lat) of the first place written as latitude, longitude in the text."""
    for lat, lon in COORDINATES.findall(text):
        lat, lon = float(lat), float(lon)
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return lon, lat
    return None


def category_guess(subject: str) -> Category | None:
    for code in CODE_TAG.findall(subject):
        category = category_by_code(code=code.lower())
        if category is not None and category.is_active:
            return category
    return None


def _without_tag(subject: str, code: str) -> str:
    untagged = CODE_TAG.sub(
        lambda found: " " if found.group(1).lower() == code else found.group(0), subject
    )
    return " ".join(untagged.split())


def _draft_of(message_id: str) -> ReportDraft | None:
    return ReportDraft.objects.filter(channel=Report.Channel.EMAIL, external_id=message_id).first()


@in_portal_language
def mail_receive(*, raw: bytes, size: int | None = None) -> ReceiveOutcome:
    """Handle one mail, delivered once or again (its Message-ID is the draft's external id, and
    each reply is written once per kind). `size` is the server's, when only the headers of an
    oversized mail were fetched."""
    size = len(raw) if size is None else size
    limit = settings.MAILIN_MAX_MESSAGE_BYTES
    oversized = size > limit
    mail = mail_parse(raw, headers_only=oversized)
    if mail.automatic:
        return _ignored(mail, mail.automatic)
    if mail.address.lower() in own_addresses():
        return _ignored(mail, "own address (a loop)")
    try:
        address = input_email(mail.address)
    except ReportInvalid:
        return _ignored(mail, "no usable sender address")
    # A display name that is an address (some mail programs) is no name.
    name = "" if "@" in mail.display_name else mail.display_name
    mail = replace(mail, address=address, display_name=name)
    if (earlier := _draft_of(mail.message_id)) is not None:
        # Delivered again: answered as the first time (each kind of reply is written once).
        return _answered(mail, earlier, [])
    if oversized:
        note = _("Thư quá lớn (%(size).1f MB; tối đa %(limit).0f MB): hãy gửi ít ảnh hơn.") % {
            "size": size / 2**20,
            "limit": limit / 2**20,
        }
        return _refused(mail, "oversized", [note])
    files, notes = _photos(mail.attachments)
    description = mail.text or mail.subject
    if not description.strip():
        note = _("Nội dung phản ánh: hãy mô tả sự việc và nơi xảy ra trong thân thư.")
        return _refused(mail, "no text", [*notes, note])
    gps = _first_gps(files)
    place, source = gps, Report.LocationSource.EXIF
    if place is None:
        place, source = text_coordinates(description), Report.LocationSource.PIN
    category = category_guess(mail.subject)
    # The tag did its work; the title is the citizen's words.
    title = _without_tag(mail.subject, category.code) if category else mail.subject
    try:
        outcome = draft_create(
            channel=Report.Channel.EMAIL,
            external_id=mail.message_id,
            sender=address,
            title=title,
            description=description,
            lon=place[0] if place else None,
            lat=place[1] if place else None,
            location_source=source,
            category=category,
            full_name=mail.display_name,
            email=address,
            files=files,
        )
        draft = outcome.draft
    except ReportError as exc:
        # Kept as a draft but not filed (the IOC files it), or refused before that.
        draft = _draft_of(mail.message_id)
        if draft is None:
            return _refused(mail, f"invalid {exc.field}", [*notes, exc.message])
    if place is not None and draft.point is None:
        notes.append(_("Vị trí đã gửi nằm ngoài tỉnh Điện Biên nên chưa được dùng."))
    return _answered(mail, draft, notes)


def _answered(mail: IncomingMail, draft: ReportDraft, notes: list[str]) -> ReceiveOutcome:
    filed = draft.report_id is not None
    reply_enqueue(
        kind=Kind.FILED if filed else Kind.RECEIPT,
        in_reply_to=mail.message_id,
        to=mail.address,
        subject=mail.subject,
        references=mail.references,
        draft=draft,
        notes=notes,
    )
    logger.info("Mail %s is draft %s (%s)", mail_ref(mail.message_id), draft.pk, draft.state)
    return ReceiveOutcome(status="filed" if filed else "draft", draft=draft)
