"""Reads of reports, always scoped to what the asking user may see."""

from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from reports.errors import ReportNotFound
from reports.models import Comment, Notification, Report, Role, Transition, User

Status = Report.Status

# Roles that see every report (hidden ones included) without being able to see identity.
ALL_REPORT_ROLES = {Role.IOC_OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.PLANNER}

LIST_RELATED = ("category", "commune", "district", "current_agency")


# What anyone may open: verified reports the IOC has not hidden. A result the reporter asked to
# keep private stays private (see the detail page); the report itself remains listed.
PUBLIC = Q(status__in=Report.PUBLIC_STATUSES, hidden=False)


def public_reports() -> QuerySet[Report]:
    return Report.objects.filter(PUBLIC)


def _authenticated(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_authenticated


def report_scope(*, user: User | AnonymousUser | None) -> QuerySet[Report]:
    """Every report the user may open. Outside it a report answers 404."""
    if not _authenticated(user):
        return public_reports()
    if user.is_superuser or user.role in ALL_REPORT_ROLES:
        return Report.objects.all()
    if user.role == Role.AGENCY_OFFICER:
        return Report.objects.filter(Q(pk__in=report_handled_ids(user=user)) | PUBLIC)
    own = Q(identity__user=user) | Q(follows__user=user)
    return Report.objects.filter(own | PUBLIC).distinct()


def report_handled_ids(*, user: User) -> QuerySet:
    """Ids of the cases an officer's agency handles or coordinates: its queue, and the reports
    whose internal notes it sees (other public reports it only sees as the public does)."""
    if user.role != Role.AGENCY_OFFICER or user.agency_id is None:
        return Report.objects.none().values("pk")
    return Report.objects.filter(
        Q(current_agency_id=user.agency_id)
        | Q(assignments__active=True, assignments__coordinators=user.agency_id)
    ).values("pk")


def report_get(*, user, reference: str) -> Report:
    report = (
        report_scope(user=user)
        .select_related(*LIST_RELATED, "edition", "duplicate_of")
        .filter(reference=reference)
        .first()
    )
    if report is None:
        raise ReportNotFound("Không tìm thấy phản ánh.", field="reference")
    return report


def user_is_reporter(*, user, report: Report) -> bool:
    if not _authenticated(user):
        return False
    return Report.objects.filter(pk=report.pk, identity__user=user).exists()


def user_sees_internal(*, user, report: Report) -> bool:
    """Staff handling the report see internal notes and internal events; others do not."""
    if not _authenticated(user):
        return False
    if user.is_superuser or user.role in {Role.IOC_OPERATOR, Role.SUPERVISOR, Role.ADMIN}:
        return True
    if user.role == Role.AGENCY_OFFICER:
        return report_handled_ids(user=user).filter(pk=report.pk).exists()
    return False


def report_list_mine(*, user) -> QuerySet[Report]:
    return (
        Report.objects.filter(Q(identity__user=user) | Q(follows__user=user))
        .distinct()
        .select_related(*LIST_RELATED)
        .order_by("-created_at")
    )


def report_list_public() -> QuerySet[Report]:
    return public_reports().select_related(*LIST_RELATED).order_by("-created_at")


def report_list_ioc_inbox(*, user) -> QuerySet[Report]:
    """Submitted, returned and result-awaiting reports plus every overdue one; urgent first."""
    if not (user.is_superuser or user.role in {Role.IOC_OPERATOR, Role.SUPERVISOR, Role.ADMIN}):
        return Report.objects.none()
    return (
        Report.objects.filter(
            Q(status__in=Report.IOC_INBOX_STATUSES)
            | Q(is_overdue=True, status__in=Report.OPEN_STATUSES)
        )
        .select_related(*LIST_RELATED)
        .order_by("-urgent", "verify_due_at", "due_at", "created_at")
    )


def report_list_agency_queue(*, user) -> QuerySet[Report]:
    if user.role != Role.AGENCY_OFFICER or user.agency_id is None:
        return Report.objects.none()
    return (
        Report.objects.filter(pk__in=report_handled_ids(user=user))
        .filter(status__in=(*Report.AGENCY_STATUSES, Status.RESULT_SUBMITTED))
        .select_related(*LIST_RELATED)
        .order_by("-urgent", "due_at", "created_at")
    )


def report_timeline(*, user, report: Report) -> QuerySet[Transition]:
    events = report.transitions.all()
    if not user_sees_internal(user=user, report=report):
        events = events.filter(public=True)
    return events.order_by("created_at", "id")


def comment_list(*, user, report: Report) -> QuerySet[Comment]:
    comments = report.comments.all()
    if not user_sees_internal(user=user, report=report):
        comments = comments.filter(internal=False)
    return comments.order_by("created_at", "id")


def notification_list(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("report")


def report_duplicates_nearby(
    *, category_id: int, lon: float, lat: float, exclude_id: int | None = None
) -> QuerySet[Report]:
    """Open reports of the same category within the duplicate radius from the last N days."""
    point_sql = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    since = timezone.now() - timedelta(days=settings.REPORTS_DUPLICATE_DAYS)
    reports = (
        Report.objects.filter(
            category_id=category_id,
            status__in=Report.OPEN_STATUSES,
            created_at__gte=since,
            hidden=False,
        )
        .alias(
            near=RawSQL(
                f"ST_DWithin(reports_report.point::geography, {point_sql}, %s)",
                (lon, lat, settings.REPORTS_DUPLICATE_RADIUS_M),
                output_field=BooleanField(),
            )
        )
        .filter(near=True)
        .annotate(
            distance_m=RawSQL(
                f"ST_Distance(reports_report.point::geography, {point_sql})",
                (lon, lat),
                output_field=FloatField(),
            )
        )
        .select_related(*LIST_RELATED)
        .order_by("distance_m")
    )
    if exclude_id is not None:
        reports = reports.exclude(pk=exclude_id)
    return reports


def report_routing_inputs() -> Iterator[tuple[int, object, str | None]]:
    """(report id, RouteRequest, current agency code) for every open report.

    Used by the routing engine's dry-run to compare its decisions with the live assignments.
    """
    from reports.routing import route_request_build

    reports = (
        Report.objects.filter(status__in=Report.OPEN_STATUSES)
        .select_related("category", "commune", "district", "current_agency")
        .order_by("pk")
    )
    for report in reports.iterator(chunk_size=500):
        request = route_request_build(report)
        if request is None:
            return
        agency_code = report.current_agency.code if report.current_agency_id else None
        yield report.pk, request, agency_code


def report_stats(*, user) -> dict:
    """Counts for supervisors and planners. Hidden reports count like any other."""
    from django.db.models import Count

    if not (user.is_superuser or user.role in ALL_REPORT_ROLES):
        return {}
    by_status = dict(
        Report.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "overdue": Report.objects.filter(is_overdue=True, status__in=Report.OPEN_STATUSES).count(),
        "hidden": Report.objects.filter(hidden=True).count(),
    }


def report_get_followable(*, reference: str) -> Report:
    """An open, unhidden report any citizen may follow (offered as a nearby duplicate)."""
    report = Report.objects.filter(
        reference=reference, status__in=Report.OPEN_STATUSES, hidden=False
    ).first()
    if report is None:
        raise ReportNotFound("Không tìm thấy phản ánh đang xử lý.", field="reference")
    return report
