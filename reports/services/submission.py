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
from django.utils.translation import gettext

from boundaries.selectors import LocateError, commune_locate
from reports.deadlines import deadline_after
from reports.errors import ReportInvalid, ReportLocationInvalid, ReportStateConflict
from reports.inputs import ReportInput, report_input_clean
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
from reports.sql import SUBMISSION_ROWS, SUBMISSION_ROWS_KEYED
from routing_rules.models import Category
from routing_rules.selectors import category_cache_clear

SCOPE = "report_submit"
# How long a submission whose COMMIT broke asks the database whether it went through.
COMMIT_CHECK_SECONDS = 10


@dataclass(frozen=True)
class SubmitOutcome:
    report: Report
    created: bool


class _KeyTaken(Exception):
    """A live row holds the Idempotency-Key: undo this submission and replay that one."""


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
        raise ReportInvalid(
            gettext("%(label)s dài quá %(max)s ký tự.") % {"label": field, "max": longest},
            field=field,
        )
    if any(unicodedata.category(ch) == "Cc" for ch in key):
        raise ReportInvalid(
            gettext("%(label)s chứa ký tự điều khiển không hợp lệ.") % {"label": field}, field=field
        )
    return key


def _key_cutoff(now: datetime | None = None) -> datetime:
    """Keys created before this moment have expired: they neither replay nor block."""
    return (now or timezone.now()) - timedelta(hours=settings.REPORTS_IDEMPOTENCY_KEY_HOURS)


def _replay(
    *, user: User, key: str, request_hash: str, field: str, cutoff: datetime
) -> SubmitOutcome | None:
    existing = (
        IdempotencyKey.objects.select_related("report")
        .filter(user=user, scope=SCOPE, key=key, created_at__gte=cutoff)
        .first()
    )
    if existing is None:
        return None
    if existing.request_hash != request_hash:
        raise ReportInvalid(
            gettext("%(field)s này đã dùng cho một phản ánh có nội dung khác.") % {"field": field},
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
    channel: str = Report.Channel.WEB,
    filed_by: User | None = None,
    phone_required: bool = True,
) -> SubmitOutcome:
    """File a report from any channel. `input_fields` renames fields in errors for channels
    that call them otherwise (see reports.inputs.report_input_clean); `filed_by` is who typed
    it in for the reporter (hotline operator, volunteer)."""
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
        "channel": channel,
    }
    key_field = (input_fields or {}).get("idempotency_key", "Idempotency-Key")
    idempotency_key = _key_clean(idempotency_key, field=key_field)
    request_hash = _request_hash(fields, files)
    cutoff = _key_cutoff()

    def replay() -> SubmitOutcome | None:
        return _replay(
            user=user,
            key=idempotency_key,
            request_hash=request_hash,
            field=key_field,
            cutoff=cutoff,
        )

    # A retry is otherwise found by the key's own INSERT (no statement more), after the work;
    # photos are worth a look first: their cleaning is the costly part of a submission.
    if idempotency_key and files and (earlier := replay()):
        return earlier

    cleaned = report_input_clean(
        title=title,
        description=description,
        lon=lon,
        lat=lat,
        full_name=full_name or user.full_name,
        phone=phone or user.phone,
        email=email or user.email,
        fields=input_fields,
        phone_required=phone_required,
    )
    if not category.is_active:
        raise ReportInvalid(gettext("Lĩnh vực này không còn tiếp nhận phản ánh."), field="category")
    if incident_at and incident_at > timezone.now():
        raise ReportInvalid(
            gettext("Thời điểm xảy ra không được ở tương lai."), field="incident_at"
        )
    if incident_at and timezone.is_aware(incident_at):
        # In the portal's zone: PostgreSQL refuses offsets no time zone has (e.g. +21:05).
        incident_at = timezone.localtime(incident_at)
    try:
        location = commune_locate(lon=cleaned.lon, lat=cleaned.lat)
    except LocateError as exc:
        raise ReportLocationInvalid(exc.message, field="location") from exc
    prepared = media_prepare(files)

    # One clock reading for the reference's year and the verification deadline, so that no
    # second statement has to complete the row once the database has stamped it.
    now = timezone.now()
    report = Report(
        # The database appends the id (migration 0008): PA-<year>-<id>.
        reference=f"PA-{timezone.localtime(now):%Y}-",
        category=category,
        title=cleaned.title,
        description=cleaned.description,
        point=Point(cleaned.lon, cleaned.lat, srid=4326),
        location_source=location_source,
        commune_id=location.commune.id,
        district_id=location.district.id if location.district else None,
        edition_id=location.edition_id,
        incident_at=incident_at,
        urgent=urgent,
        private_result=private_result,
        channel=channel,
        filed_by=filed_by,
        verify_due_at=deadline_after(moment=now, days=settings.REPORTS_REJECT_WORKING_DAYS),
    )
    stored: list[str] = []
    committing: list[bool] = []
    committed: list[bool] = []
    try:
        # Statements: the report (its id and reference come back with RETURNING); identity,
        # consent and key; the media rows (one INSERT for all); transition; outbox message.
        with transaction.atomic():
            # Runs first at commit: once set, the files belong to a committed report and no
            # later failure (a broker, a callback) may delete them.
            transaction.on_commit(lambda: committed.append(True))
            report.save(force_insert=True)
            # Before any file is stored: a retry ends here.
            _rows_insert(
                report=report,
                user=user,
                cleaned=cleaned,
                key=idempotency_key,
                request_hash=request_hash,
                cutoff=cutoff,
            )
            media_rows = []
            for item in prepared:
                name = media_store(item)
                stored.append(name)
                thumbnails = media_store_thumbnails(item, name)
                stored.extend(t["name"] for t in thumbnails.values())
                media_rows.append(
                    Media(
                        thumbnails=thumbnails,
                        report=report,
                        kind=item.kind,
                        file=name,
                        content_type=item.content_type,
                        size=len(item.content),
                        width=item.width,
                        height=item.height,
                    )
                )
            if media_rows:
                Media.objects.bulk_create(media_rows)
            transition_record(
                report=report,
                action=Transition.Action.SUBMIT,
                # Who typed it in is credited (the hotline, a volunteer), and the reporter
                # then hears of it like of any event someone else recorded.
                actor=filed_by or user,
                to_status=Report.Status.SUBMITTED,
                data={"urgent": urgent},
            )
            committing.append(True)  # what fails from here on is the COMMIT itself
    except (_KeyTaken, IntegrityError) as exc:
        media_discard(stored)
        # A retry with the same key, maybe running at the same moment: answer with its report.
        if idempotency_key and (earlier := replay()):
            return earlier
        if _category_vanished(exc):
            # Deleted in another process while this one's cache still held it.
            category_cache_clear()
            raise ReportInvalid(
                gettext("Lĩnh vực này không còn tiếp nhận phản ánh."), field="category"
            ) from exc
        if isinstance(exc, _KeyTaken):  # its row was purged in between: the client may resend
            raise ReportStateConflict(
                gettext("%(field)s vừa được dùng cho một lần gửi khác; hãy gửi lại.")
                % {"field": key_field},
                field=key_field,
            ) from exc
        raise
    except BaseException:
        if not committed and stored and not (committing and _maybe_committed(report.pk)):
            media_discard(stored)
        raise
    return SubmitOutcome(report=report, created=True)


def _category_vanished(exc: Exception) -> bool:
    """A foreign-key violation of the report's category (checked at COMMIT: deferred)."""
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    constraint = getattr(diag, "constraint_name", None) or ""
    return getattr(cause, "sqlstate", None) == "23503" and "category" in constraint


def _rows_insert(
    *,
    report: Report,
    user: User,
    cleaned: ReportInput,
    key: str | None,
    request_hash: str,
    cutoff: datetime,
) -> ReporterIdentity:
    """The identity, the consent (and the key) of a new report, in one statement. A live row
    of the key (a retry, or one running at the same moment: the statement waits for its
    transaction) raises _KeyTaken, which rolls this submission back."""
    params = {
        "report": report.pk,
        "user": user.pk,
        "full_name": cleaned.full_name,
        "phone": cleaned.phone,
        "email": cleaned.email,
        "consent_context": ProcessingConsent.Context.SUBMIT,
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
        "now": timezone.now(),
        "scope": SCOPE,
        "key": key,
        "request_hash": request_hash,
        "cutoff": cutoff,
    }
    with connection.cursor() as cursor:
        cursor.execute(SUBMISSION_ROWS_KEYED if key else SUBMISSION_ROWS, params)
        row = cursor.fetchone()
    if row is None:
        raise _KeyTaken()
    # As the ORM would leave it: the report knows its identity (timelines ask who acted).
    identity = ReporterIdentity(
        pk=row[0],
        report=report,
        user=user,
        full_name=cleaned.full_name,
        phone=cleaned.phone,
        email=cleaned.email,
    )
    identity._state.adding = False
    return identity


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
