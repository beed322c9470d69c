"""Filing a report: locate, clean the media, store atomically and idempotently."""

import hashlib
import json
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from boundaries.models import Edition
from boundaries.selectors import LocateError, commune_locate
from reports.deadlines import deadline_after
from reports.errors import ReportInvalid, ReportLocationInvalid
from reports.inputs import report_input_clean
from reports.models import (
    IdempotencyKey,
    Media,
    ProcessingConsent,
    Report,
    ReporterIdentity,
    Transition,
    User,
)
from reports.services.common import transition_record
from reports.services.media import (
    media_discard,
    media_prepare,
    media_store,
    media_store_thumbnails,
)
from reports.services.privacy import processing_consent_record
from routing_rules.models import Category

SCOPE = "report_submit"
# How long a submission whose COMMIT broke asks the database whether it went through.
COMMIT_CHECK_SECONDS = 10


@dataclass(frozen=True)
class SubmitOutcome:
    report: Report
    created: bool


def _request_hash(fields: dict, files: list) -> str:
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode())
    for upload in files:
        digest.update(f"|{getattr(upload, 'name', '')}:{getattr(upload, 'size', '')}".encode())
    return digest.hexdigest()


def _key_clean(key: str | None, *, field: str) -> str | None:
    """The client's Idempotency-Key as stored, or a 400 naming the field (never a DataError)."""
    if not key:
        return None
    longest = IdempotencyKey._meta.get_field("key").max_length
    if len(key) > longest:
        raise ReportInvalid(f"{field} dài quá {longest} ký tự.", field=field)
    if any(unicodedata.category(ch) == "Cc" for ch in key):
        raise ReportInvalid(f"{field} chứa ký tự điều khiển không hợp lệ.", field=field)
    return key


def _key_cutoff(now: datetime | None = None) -> datetime:
    """Keys created before this moment have expired: they neither replay nor block."""
    return (now or timezone.now()) - timedelta(hours=settings.REPORTS_IDEMPOTENCY_KEY_HOURS)


def _replay(*, user: User, key: str, request_hash: str, field: str) -> SubmitOutcome | None:
    existing = IdempotencyKey.objects.filter(
        user=user, scope=SCOPE, key=key, created_at__gte=_key_cutoff()
    ).first()
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise ReportInvalid(
            f"{field} này đã dùng cho một phản ánh có nội dung khác.",
            field=field,
        )
    return SubmitOutcome(report=existing.report, created=False)


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget the keys older than REPORTS_IDEMPOTENCY_KEY_HOURS; returns how many went."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=_key_cutoff(now)).delete()
    return deleted


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
    key_field = (input_fields or {}).get("idempotency_key", "Idempotency-Key")
    idempotency_key = _key_clean(idempotency_key, field=key_field)
    request_hash = _request_hash(fields, files)
    if idempotency_key:
        replay = _replay(user=user, key=idempotency_key, request_hash=request_hash, field=key_field)
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
    committing: list[bool] = []
    committed: list[bool] = []
    try:
        with transaction.atomic():
            # Runs first at commit: once set, the files belong to a committed report and no
            # later failure (a broker, a callback) may delete them.
            transaction.on_commit(lambda: committed.append(True))
            if idempotency_key:
                # An expired row with this key would still hold the unique constraint.
                IdempotencyKey.objects.filter(
                    user=user, scope=SCOPE, key=idempotency_key, created_at__lt=_key_cutoff()
                ).delete()
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
                thumbnails = media_store_thumbnails(item, name)
                stored.extend(t["name"] for t in thumbnails.values())
                Media.objects.create(
                    thumbnails=thumbnails,
                    report=report,
                    kind=item.kind,
                    file=name,
                    content_type=item.content_type,
                    size=len(item.content),
                    width=item.width,
                    height=item.height,
                )
            processing_consent_record(
                user=user, context=ProcessingConsent.Context.SUBMIT, report=report
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
            committing.append(True)  # what fails from here on is the COMMIT itself
    except IntegrityError:
        media_discard(stored)
        # A concurrent retry with the same key won the race: answer with its report.
        if idempotency_key:
            replay = _replay(
                user=user, key=idempotency_key, request_hash=request_hash, field=key_field
            )
            if replay:
                return replay
        raise
    except BaseException:
        if not committed and stored and not (committing and _maybe_committed(report.pk)):
            media_discard(stored)
        raise
    return SubmitOutcome(report=report, created=True)


def _maybe_committed(pk: int) -> bool:
    """Whether a report whose COMMIT raised may exist after all (a connection that breaks
    during COMMIT leaves it unknown; a failure before it rolled back for sure). The database
    is asked again on a new connection for a few seconds, as a restarted server is back by
    then; still unknown keeps the files: a lost photo cannot be recovered, a stray file can."""
    if connection.in_atomic_block:
        return True  # the caller's transaction decides, and it is broken: keep them
    deadline = time.monotonic() + COMMIT_CHECK_SECONDS
    while True:
        try:
            return Report.objects.filter(pk=pk).exists()
        except DatabaseError:
            connection.close()
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.5)
