"""Reports from channels without a form (e-mail, Zalo, the hotline, a volunteer): what the
channel brought in is kept as a draft; one with a place and a category is filed at once, the
others wait for the IOC to complete them. Either way the report is filed by report_submit,
with the same validation, join, routing, confidentiality and idempotency as the web form."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from boundaries.selectors import LocateError, commune_locate
from reports import policy
from reports.errors import ReportForbidden, ReportInvalid, ReportStateConflict
from reports.inputs import (
    DESCRIPTION_MAX,
    NAME_MAX,
    TITLE_MAX,
    input_email,
    input_phone,
    input_point,
    input_text,
)
from reports.models import DraftMedia, Report, ReportDraft, Role, User
from reports.record_text import record_text
from reports.services.media import media_discard, media_prepare, media_store
from reports.services.submission import report_submit
from reports.signals import draft_discarded
from routing_rules.models import Category

State = ReportDraft.State
# How many characters of a message without a subject become its title.
TITLE_FROM_TEXT = 80


@dataclass(frozen=True)
class DraftOutcome:
    draft: ReportDraft
    created: bool

    @property
    def report(self) -> Report | None:
        return self.draft.report


def channel_account(*, channel: str) -> User:
    """The account that files a channel's reports when the sender has none of their own: it
    cannot sign in, and the reporter is answered through the channel, not through it."""
    user, _ = User.objects.get_or_create(
        username=f"kenh-{channel}",
        defaults={
            "role": Role.CITIZEN,
            "is_active": False,
            "full_name": record_text(f"Kênh {Report.Channel(channel).label}"),
            "password": make_password(None),
        },
    )
    return user


def _title(title: str, description: str) -> str:
    if title.strip():
        return title
    first_line = description.strip().split("\n", 1)[0]
    return first_line[:TITLE_FROM_TEXT].strip()


def _located_point(lon, lat) -> Point | None:
    """The sender's place if it lies in the served area; otherwise the IOC places the pin."""
    if lon is None or lat is None:
        return None
    lon, lat = input_point(lon, lat)
    try:
        commune_locate(lon=lon, lat=lat)
    except LocateError:
        return None
    return Point(lon, lat, srid=4326)


def draft_create(
    *,
    channel: str,
    description: str,
    title: str = "",
    external_id: str | None = None,
    sender: str = "",
    user: User | None = None,
    filed_by: User | None = None,
    lon: float | None = None,
    lat: float | None = None,
    location_source: str = Report.LocationSource.PIN,
    category: Category | None = None,
    urgent: bool = False,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    files: list | None = None,
) -> DraftOutcome:
    """Keep what a channel brought in, and file it at once when it is complete. The same
    `external_id` again (a redelivered e-mail or webhook) returns the first draft."""
    if channel not in Report.Channel.values:
        raise ReportInvalid(gettext("Kênh tiếp nhận không hợp lệ."), field="channel")
    if external_id and (earlier := _draft_by_external_id(channel, external_id)):
        return DraftOutcome(draft=earlier, created=False)
    description = input_text(
        description, field="description", label=gettext("Nội dung"), max_length=DESCRIPTION_MAX
    )
    draft = ReportDraft(
        channel=channel,
        external_id=external_id or None,
        sender=sender[:255],
        user=user,
        filed_by=filed_by,
        title=input_text(
            _title(title, description),
            field="title",
            label=gettext("Tiêu đề"),
            max_length=TITLE_MAX,
            required=False,
        ),
        description=description,
        point=_located_point(lon, lat),
        location_source=location_source,
        category=category if category is not None and category.is_active else None,
        urgent=urgent,
        full_name=input_text(
            full_name,
            field="full_name",
            label=gettext("Họ và tên người phản ánh"),
            max_length=NAME_MAX,
            required=False,
        ),
        phone=input_phone(phone, required=False),
        email=input_email(email),
    )
    prepared = media_prepare(list(files or []))
    stored: list[str] = []
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
            rows = []
            for item in prepared:
                name = media_store(item)
                stored.append(name)
                rows.append(
                    DraftMedia(
                        draft=draft, file=name, kind=item.kind, content_type=item.content_type
                    )
                )
            DraftMedia.objects.bulk_create(rows)
    except IntegrityError:
        media_discard(stored)
        if external_id and (earlier := _draft_by_external_id(channel, external_id)):
            return DraftOutcome(draft=earlier, created=False)
        raise
    except BaseException:
        media_discard(stored)
        raise
    if draft_is_complete(draft=draft):
        draft = draft_file(draft=draft, actor=None)
    return DraftOutcome(draft=draft, created=True)


def _draft_by_external_id(channel: str, external_id: str) -> ReportDraft | None:
    return (
        ReportDraft.objects.select_related("report")
        .filter(channel=channel, external_id=external_id)
        .first()
    )


def draft_is_complete(*, draft: ReportDraft) -> bool:
    """Everything a report needs: a place in the served area, a category, a reporter's name,
    and a way to answer them (a phone, an e-mail, or the channel's own sender)."""
    has_contact = bool(draft.phone or draft.email or draft.sender)
    return bool(
        draft.point is not None and draft.category_id and draft.full_name.strip() and has_contact
    )


def _lock_open(*, actor: User | None, draft: ReportDraft) -> ReportDraft:
    if actor is not None and not policy.user_is_ioc(actor):
        raise ReportForbidden(gettext("Chỉ cán bộ IOC được bổ sung phản ánh chờ."), field="draft")
    locked = ReportDraft.objects.select_for_update().get(pk=draft.pk)
    if locked.state != State.OPEN:
        raise ReportStateConflict(gettext("Phản ánh chờ này đã được xử lý."), field="draft")
    return locked


def draft_file(
    *,
    draft: ReportDraft,
    actor: User | None,
    category: Category | None = None,
    lon: float | None = None,
    lat: float | None = None,
    title: str | None = None,
    full_name: str | None = None,
    urgent: bool | None = None,
) -> ReportDraft:
    """File the draft as a report, completed by the IOC (`actor`) where it lacked something.
    The reporter's identity moves to the report (ReporterIdentity) and leaves the draft."""
    with transaction.atomic():
        locked = _lock_open(actor=actor, draft=draft)
        if category is not None:
            locked.category = category
        if lon is not None and lat is not None:
            lon, lat = input_point(lon, lat)
            locked.point = Point(lon, lat, srid=4326)
            locked.location_source = Report.LocationSource.PIN
        if title is not None:
            locked.title = title
        if full_name is not None:
            locked.full_name = full_name
        if urgent is not None:
            locked.urgent = urgent
        if locked.category is None:
            raise ReportInvalid(gettext("Cần chọn lĩnh vực."), field="category")
        if locked.point is None:
            raise ReportInvalid(gettext("Cần chọn vị trí trên bản đồ."), field="location")
        media = list(locked.media.all())
        files = [ContentFile(default_storage.open(m.file).read(), name=m.file) for m in media]
        outcome = report_submit(
            user=locked.user or channel_account(channel=locked.channel),
            category=locked.category,
            title=locked.title or _title("", locked.description),
            description=locked.description,
            lon=locked.point.x,
            lat=locked.point.y,
            full_name=locked.full_name,
            phone=locked.phone,
            email=locked.email,
            urgent=locked.urgent,
            location_source=locked.location_source or Report.LocationSource.PIN,
            files=files,
            idempotency_key=f"draft-{locked.pk}",
            channel=locked.channel,
            filed_by=locked.filed_by,
            phone_required=not (locked.email or locked.sender),
        )
        locked.report = outcome.report
        locked.state = State.FILED
        _identity_wipe(locked)
        locked.save()
        names = [m.file for m in media]
        locked.media.all().delete()
        transaction.on_commit(lambda: media_discard(names))
    return locked


def draft_discard(*, draft: ReportDraft, actor: User, reason: str) -> ReportDraft:
    """Not a report (a complaint, spam, legal advice…): closed with the reason, identity wiped."""
    reason = input_text(reason, field="reason", label=gettext("Lý do"), max_length=DESCRIPTION_MAX)
    with transaction.atomic():
        locked = _lock_open(actor=actor, draft=draft)
        locked.state = State.DISCARDED
        locked.discard_reason = reason
        _identity_wipe(locked)
        locked.save()
        draft_discarded.send(sender=ReportDraft, draft=locked)
        names = list(locked.media.values_list("file", flat=True))
        locked.media.all().delete()
        transaction.on_commit(lambda: media_discard(names))
    return locked


def _identity_wipe(draft: ReportDraft) -> None:
    # The sender stays while the channel may still answer (e-mail, Zalo): a filed report is
    # answered from its identity or this id; a discarded one is told why once, then forgotten.
    draft.full_name = ""
    draft.phone = ""
    draft.email = ""
