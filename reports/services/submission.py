"""Filing a report: locate, clean the media, store atomically and idempotently."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from boundaries.models import Edition
from boundaries.selectors import LocateError, commune_locate
from reports.deadlines import deadline_after
from reports.errors import ReportInvalid, ReportLocationInvalid
from reports.models import IdempotencyKey, Media, Report, ReporterIdentity, Transition, User
from reports.services.common import transition_record
from reports.services.media import media_discard, media_prepare, media_store
from routing_rules.models import Category

SCOPE = "report_submit"


@dataclass(frozen=True)
class SubmitOutcome:
    report: Report
    created: bool


def _request_hash(fields: dict, files: list) -> str:
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode())
    for upload in files:
        digest.update(f"|{getattr(upload, 'name', '')}:{getattr(upload, 'size', '')}".encode())
    return digest.hexdigest()


def _replay(*, user: User, key: str, request_hash: str) -> SubmitOutcome | None:
    existing = IdempotencyKey.objects.filter(user=user, scope=SCOPE, key=key).first()
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise ReportInvalid(
            "Idempotency-Key này đã dùng cho một phản ánh có nội dung khác.",
            field="Idempotency-Key",
        )
    return SubmitOutcome(report=existing.report, created=False)


def report_submit(
    *,
    user: User,
    category: Category,
    title: str,
    description: str,
    lon: float,
    lat: float,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    incident_at: datetime | None = None,
    urgent: bool = False,
    private_result: bool = False,
    location_source: str = Report.LocationSource.PIN,
    files: list | None = None,
    idempotency_key: str | None = None,
) -> SubmitOutcome:
    files = list(files or [])
    fields = {
        "category": category.pk,
        "title": title,
        "description": description,
        "lon": round(lon, 7),
        "lat": round(lat, 7),
        "urgent": urgent,
        "private_result": private_result,
        "incident_at": incident_at,
    }
    request_hash = _request_hash(fields, files)
    if idempotency_key:
        replay = _replay(user=user, key=idempotency_key, request_hash=request_hash)
        if replay:
            return replay

    full_name = (full_name or user.full_name or "").strip()
    phone = (phone or user.phone or "").strip()
    email = (email or user.email or "").strip()
    if not full_name:
        raise ReportInvalid("Cần nhập họ và tên người phản ánh.", field="full_name")
    if not phone:
        raise ReportInvalid("Cần nhập số điện thoại người phản ánh.", field="phone")
    if not category.is_active:
        raise ReportInvalid("Lĩnh vực này không còn tiếp nhận phản ánh.", field="category")
    if incident_at and incident_at > timezone.now():
        raise ReportInvalid("Thời điểm xảy ra không được ở tương lai.", field="incident_at")
    try:
        location = commune_locate(lon=lon, lat=lat)
    except LocateError as exc:
        raise ReportLocationInvalid(exc.message, field="location") from exc
    prepared = media_prepare(files)

    stored: list[str] = []
    try:
        with transaction.atomic():
            if idempotency_key:
                key_row = IdempotencyKey.objects.create(
                    user=user, scope=SCOPE, key=idempotency_key, request_hash=request_hash
                )
            report = Report.objects.create(
                category=category,
                title=title.strip(),
                description=description.strip(),
                point=f"SRID=4326;POINT({lon} {lat})",
                location_source=location_source,
                commune_id=location.commune.id,
                district_id=location.district.id if location.district else None,
                edition=Edition.objects.get(slug=location.edition),
                incident_at=incident_at,
                urgent=urgent,
                private_result=private_result,
            )
            report.reference = f"PA-{timezone.localtime(report.created_at):%Y}-{report.pk:06d}"
            report.verify_due_at = deadline_after(
                moment=report.created_at, days=settings.REPORTS_REJECT_WORKING_DAYS
            )
            report.save(update_fields=["reference", "verify_due_at"])
            ReporterIdentity.objects.create(
                report=report, user=user, full_name=full_name, phone=phone, email=email
            )
            for item in prepared:
                name = media_store(item)
                stored.append(name)
                Media.objects.create(
                    report=report,
                    kind=item.kind,
                    file=name,
                    content_type=item.content_type,
                    size=len(item.content),
                    width=item.width,
                    height=item.height,
                )
            if idempotency_key:
                key_row.report = report
                key_row.save(update_fields=["report"])
            transition_record(
                report=report,
                action=Transition.Action.SUBMIT,
                actor=user,
                to_status=Report.Status.SUBMITTED,
                data={"urgent": urgent},
            )
    except IntegrityError:
        media_discard(stored)
        # A concurrent retry with the same key won the race: answer with its report.
        if idempotency_key:
            replay = _replay(user=user, key=idempotency_key, request_hash=request_hash)
            if replay:
                return replay
        raise
    except BaseException:
        media_discard(stored)
        raise
    return SubmitOutcome(report=report, created=True)
