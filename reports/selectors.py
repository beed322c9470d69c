"""Reads of reports, always scoped by the reports policy to what the asking user may see."""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import BooleanField, Count, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext

from reports import policy, sql
from reports.deadlines import overdue_q
from reports.errors import ReportNotFound
from reports.models import Media, Notification, Report, ReportDraft, ResponseTemplate, User

LIST_RELATED = ("category", "commune", "district", "current_agency")
# Lists and pages read the units' names and codes, never their outlines: parsing those put
# 20+ MiB on a web worker's heap for the ten reports of the home page.
UNIT_OUTLINES = ("commune__geom", "district__geom")


def report_get(*, user, reference: str) -> Report:
    """One report the user may open; anything else (missing or out of scope) is 404."""
    report = (
        policy.reports_visible(user=user)
        .select_related(*LIST_RELATED, "edition", "duplicate_of")
        .defer(*UNIT_OUTLINES)
        .filter(reference=reference)
        .first()
    )
    if report is None:
        raise ReportNotFound(gettext("Không tìm thấy phản ánh."), field="reference")
    return report


def media_get(*, user, name: str) -> Media:
    """A stored photo or video by its storage name, if the user may see its report."""
    # A thumbnail <base>.<side>.jpg is served under the policy of its photo <base>.jpg.
    base, _, side = name.removesuffix(".jpg").rpartition(".")
    photo = f"{base}.jpg" if side.isdigit() else name
    media = policy.media_visible(user=user).select_related("report").filter(file=photo).first()
    if media is not None and photo != name and media.thumbnail_name(int(side)) != name:
        media = None
    if media is None:
        raise ReportNotFound(gettext("Không tìm thấy tệp."), field="name")
    return media


def report_list_mine(*, user) -> QuerySet[Report]:
    return (
        policy.reports_mine(user=user)
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("-created_at")
    )


def report_list_public() -> QuerySet[Report]:
    return (
        policy.reports_public()
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("-created_at")
    )


def report_list_ioc_inbox(*, user) -> QuerySet[Report]:
    """Submitted, returned and result-awaiting reports plus every overdue one; urgent first."""
    if not policy.user_is_ioc(user):
        return Report.objects.none()
    return (
        Report.objects.filter(policy.INBOX_STAGE_CODES[policy.INBOX_DEFAULT_STAGE].q)
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("-urgent", "verify_due_at", "due_at", "created_at")
    )


def draft_list_open(*, user) -> QuerySet[ReportDraft]:
    """Channel drafts the IOC still has to complete, oldest first (urgent ones on top)."""
    return (
        policy.drafts_visible(user=user)
        .filter(state=ReportDraft.State.OPEN)
        .select_related("category")
        .prefetch_related("media")
    )


def draft_get(*, user, pk: int) -> ReportDraft:
    draft = policy.drafts_visible(user=user).filter(pk=pk).select_related("category").first()
    if draft is None:
        raise ReportNotFound(gettext("Không tìm thấy phản ánh chờ bổ sung."), field="draft")
    return draft


def report_list_agency_queue(*, user) -> QuerySet[Report]:
    return (
        policy.reports_handled(user=user)
        .filter(status__in=(*Report.AGENCY_STATUSES, Report.Status.RESULT_SUBMITTED))
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("-urgent", "due_at", "created_at")
    )


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's notifications about reports they may still open (a report that stopped being
    public takes its notifications with it)."""
    visible = policy.reports_visible(user=user).values("pk")
    return Notification.objects.filter(
        Q(report__isnull=True) | Q(report__in=visible), user=user
    ).select_related("report")


def notification_count_unread(*, user) -> int:
    return notification_list(user=user).filter(read_at__isnull=True).count()


def report_duplicates_nearby(
    *,
    user,
    category_id: int,
    lon: float,
    lat: float,
    exclude_id: int | None = None,
    for_merge: bool = False,
) -> QuerySet[Report]:
    """Possible duplicates to offer while reporting: open reports of the same category within
    the duplicate radius from the last N days that the user may see (public or their own);
    `for_merge`: those the IOC may merge into."""
    since = timezone.now() - timedelta(days=settings.REPORTS_DUPLICATE_DAYS)
    candidates = (
        policy.reports_merge_targets(user=user)
        if for_merge
        else policy.reports_duplicate_candidates(user=user)
    )
    reports = (
        candidates.filter(category_id=category_id, created_at__gte=since)
        .alias(
            near=RawSQL(
                sql.REPORT_WITHIN_M,
                (lon, lat, settings.REPORTS_DUPLICATE_RADIUS_M),
                output_field=BooleanField(),
            )
        )
        .filter(near=True)
        .annotate(distance_m=RawSQL(sql.REPORT_DISTANCE_M, (lon, lat), output_field=FloatField()))
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("distance_m")
    )
    if exclude_id is not None:
        reports = reports.exclude(pk=exclude_id)
    return reports


def report_get_followable(*, reference: str) -> Report:
    """A report any signed-in user may follow: public and still open."""
    report = policy.reports_followable().filter(reference=reference).first()
    if report is None:
        raise ReportNotFound(gettext("Không tìm thấy phản ánh đang xử lý."), field="reference")
    return report


def report_routing_inputs() -> Iterator[tuple[int, object, str | None]]:
    """(report id, RouteRequest, current agency code) for every open report.

    Used by the routing engine's dry-run to compare its decisions with the live assignments.
    """
    from reports.routing import route_request_build

    reports = (
        Report.objects.filter(policy.OPEN_Q)
        .select_related(*LIST_RELATED)
        .defer(*UNIT_OUTLINES)
        .order_by("pk")
    )
    for report in reports.iterator(chunk_size=500):
        request = route_request_build(report)
        if request is None:
            return
        agency_code = report.current_agency.code if report.current_agency_id else None
        yield report.pk, request, agency_code


def report_stats(*, user: User) -> dict:
    """Counts for province staff and planners. Hidden reports count like any other."""
    reports = policy.reports_analysis(user=user)
    if not policy.user_is_analyst(user):
        return {}
    by_status = dict(reports.values_list("status").annotate(n=Count("pk")))
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "overdue": reports.filter(policy.OPEN_Q, is_overdue=True).count(),
        "hidden": reports.filter(hidden=True).count(),
    }


def report_status_counts(*, now: datetime | None = None) -> dict:
    """Reports per status and overdue now, for the operators' metrics (two grouped queries)."""
    now = now or timezone.now()
    by_status = dict(Report.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {"by_status": by_status, "overdue": Report.objects.filter(overdue_q(now=now)).count()}


def report_texts_verified(*, limit: int) -> Iterator[tuple[str, str]]:
    """(title and description, category code) of the `limit` newest verified reports: what
    the category suggestion learns from (suggest.services). No identity, no place."""
    rows = (
        policy.reports_verified()
        .order_by("-id")
        .values_list("title", "description", "category__code")[:limit]
    )
    for title, description, code in rows.iterator(chunk_size=2000):
        yield f"{title}. {description}", code


def response_templates_for(*, kinds, category_id: int | None) -> QuerySet[ResponseTemplate]:
    """Active ready answers of these kinds for a category: its own first, then the general."""
    return (
        ResponseTemplate.objects.filter(kind__in=kinds, is_active=True)
        .filter(Q(category_id=category_id) | Q(category__isnull=True))
        .annotate(general=Q(category__isnull=True))
        .order_by("kind", "general", "sort_order", "title")
    )
