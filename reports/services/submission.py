"""Filing a report: locate, clean the media, store atomically and idempotently."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone

from boundaries.models import Edition
from boundaries.selectors import LocateError, commune_locate
from reports.deadlines import deadline_after
from reports.errors import ReportInvalid, ReportLocationInvalid
from reports.inputs import report_input_clean
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
    input_fields: dict | None = None,
) -> SubmitOutcome:
    """File a report from any channel. `input_fields` renames fields in errors for channels
    that call them otherwise (see reports.inputs.report_input_clean)."""
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

    cleaned = report_input_clean(
        title=title,
        description=description,
        lon=lon,
        lat=lat,
        full_name=full_name or user.full_name,
        phone=phone or user.phone,
        email=email or user.email,
        fields=input_fields,
    )
    if not category.is_active:
        raise ReportInvalid("Lĩnh vực này không còn tiếp nhận phản ánh.", field="category")
    if incident_at and incident_at > timezone.now():
        raise ReportInvalid("Thời điểm xảy ra không được ở tương lai.", field="incident_at")
    try:
        location = commune_locate(lon=cleaned.lon, lat=cleaned.lat)
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
                title=cleaned.title,
                description=cleaned.description,
                point=Point(cleaned.lon, cleaned.lat, srid=4326),
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
                report=report,
                user=user,
                full_name=cleaned.full_name,
                phone=cleaned.phone,
                email=cleaned.email,
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
