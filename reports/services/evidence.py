"""Photos of a fix (before/after) sent with an agency's result: checked like a report's photos
(type from content, size, pixels; re-encoded without EXIF, thumbnails made), then stored only
inside the result's transaction, and deleted again if that transaction does not commit."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from reports.errors import ReportInvalid
from reports.models import Media, Report, Result
from reports.services.media import (
    PreparedMedia,
    media_discard,
    media_prepare,
    media_store,
    media_store_thumbnails,
)

FIELDS = {Media.Role.BEFORE: "before_photos", Media.Role.AFTER: "after_photos"}


@dataclass(frozen=True)
class PreparedEvidence:
    role: str
    item: PreparedMedia


def evidence_required(*, report: Report) -> bool:
    """Whether this report's category asks for an "after" photo with every result."""
    return bool(report.category_id and report.category.result_photos_required)


def evidence_prepare(
    *, report: Report, before_photos: Sequence = (), after_photos: Sequence = ()
) -> list[PreparedEvidence]:
    """Validate and clean every photo in memory (nothing touches storage): 400 naming the
    field for a missing required "after" photo, too many photos, or a file that is not an
    image."""
    before, after = list(before_photos or ()), list(after_photos or ())
    if not after and evidence_required(report=report):
        raise ReportInvalid(
            _("Lĩnh vực này cần ít nhất một ảnh sau khi xử lý kèm theo kết quả."),
            field="after_photos",
        )
    limit = settings.REPORTS_RESULT_PHOTOS_MAX
    if len(before) + len(after) > limit:
        raise ReportInvalid(
            _("Tối đa %(n)s ảnh cho một kết quả (trước và sau khi xử lý).") % {"n": limit},
            field="after_photos" if after else "before_photos",
        )
    prepared = []
    for role, files in ((Media.Role.BEFORE, before), (Media.Role.AFTER, after)):
        if not files:
            continue
        try:
            items = media_prepare(files)
        except ReportInvalid as exc:
            raise ReportInvalid(exc.message, field=FIELDS[role]) from exc
        for index, item in enumerate(items, start=1):
            if item.kind != Media.Kind.IMAGE:
                raise ReportInvalid(
                    _("Tệp thứ %(n)s không phải ảnh (JPEG, PNG, WebP).") % {"n": index},
                    field=FIELDS[role],
                )
            prepared.append(PreparedEvidence(role=role, item=item))
    return prepared


def evidence_has_after(prepared: list[PreparedEvidence]) -> bool:
    return any(p.role == Media.Role.AFTER for p in prepared)


def evidence_store(*, result: Result, prepared: list[PreparedEvidence], stored: list[str]) -> None:
    """Write the files and their rows; every name written is appended to `stored` at once, so
    the caller can delete them if the transaction fails."""
    rows = []
    for evidence in prepared:
        item = evidence.item
        name = media_store(item)
        stored.append(name)
        thumbnails = media_store_thumbnails(item, name)
        stored.extend(t["name"] for t in thumbnails.values())
        rows.append(
            Media(
                report_id=result.report_id,
                result=result,
                role=evidence.role,
                kind=item.kind,
                file=name,
                content_type=item.content_type,
                size=len(item.content),
                width=item.width,
                height=item.height,
                thumbnails=thumbnails,
            )
        )
    Media.objects.bulk_create(rows)


def evidence_discard(stored: list[str]) -> None:
    media_discard(stored)
