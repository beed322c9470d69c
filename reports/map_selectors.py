"""The reads the maps app needs from reports, always scoped to what the asking user may see.

Maps never queries report tables directly: it asks here for a filtered queryset (or its SQL, to
embed in tile, hexagon and choropleth queries), so the public/officer/analyst rules live in one
place, next to reports' own selectors.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from reports.models import Media, Report, Role, User
from reports.selectors import ALL_REPORT_ROLES, PUBLIC, report_handled_ids

Status = Report.Status

# The public map: what reports makes public, minus the reports whose reporter asked for privacy.
MAP_PUBLIC = PUBLIC & Q(private_result=False)


@dataclass(frozen=True)
class MapFilters:
    categories: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    commune: str | None = None
    district: str | None = None
    urgent: bool | None = None
    bbox: tuple[float, float, float, float] | None = None
    extra: dict = field(default_factory=dict)


def _authenticated(user) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_authenticated


def user_is_analyst(user: User | AnonymousUser | None) -> bool:
    """Planners, supervisors, IOC and admins see every report (hidden included) on analysis maps."""
    return _authenticated(user) and (user.is_superuser or user.role in ALL_REPORT_ROLES)


def user_is_officer(user: User | AnonymousUser | None) -> bool:
    return _authenticated(user) and user.role == Role.AGENCY_OFFICER and user.agency_id is not None


def map_filters_apply(reports: QuerySet[Report], filters: MapFilters) -> QuerySet[Report]:
    if filters.categories:
        reports = reports.filter(category__code__in=filters.categories)
    if filters.statuses:
        reports = reports.filter(status__in=filters.statuses)
    if filters.date_from:
        start = timezone.make_aware(datetime.combine(filters.date_from, time.min))
        reports = reports.filter(created_at__gte=start)
    if filters.date_to:
        end = timezone.make_aware(datetime.combine(filters.date_to, time.max))
        reports = reports.filter(created_at__lte=end)
    if filters.commune:
        reports = reports.filter(commune__code=filters.commune)
    if filters.district:
        reports = reports.filter(district__code=filters.district)
    if filters.urgent is not None:
        reports = reports.filter(urgent=filters.urgent)
    if filters.bbox:
        from django.contrib.gis.geos import Polygon

        reports = reports.filter(point__intersects=Polygon.from_bbox(filters.bbox))
    return reports


def map_public_reports(*, filters: MapFilters | None = None) -> QuerySet[Report]:
    """Reports anyone may see on the public map: never hidden, never private-result ones."""
    reports = Report.objects.filter(MAP_PUBLIC)
    return map_filters_apply(reports, filters or MapFilters())


def map_officer_reports(*, user, filters: MapFilters | None = None) -> QuerySet[Report]:
    """Open cases of the officer's own agency (handled or coordinated), nothing else."""
    if not user_is_officer(user):
        return Report.objects.none()
    reports = Report.objects.filter(
        pk__in=report_handled_ids(user=user), status__in=Report.OPEN_STATUSES
    )
    return map_filters_apply(reports, filters or MapFilters())


def map_analysis_reports(*, user, filters: MapFilters | None = None) -> QuerySet[Report]:
    """Every report for planners and province staff; nothing for anyone else."""
    if not user_is_analyst(user):
        return Report.objects.none()
    return map_filters_apply(Report.objects.all(), filters or MapFilters())


def map_open_reports(*, user, filters: MapFilters | None = None) -> QuerySet[Report]:
    """Pending cases for the heatmap (analysts only)."""
    return map_analysis_reports(user=user, filters=filters).filter(status__in=Report.OPEN_STATUSES)


def map_export_reports(*, user, filters: MapFilters | None = None) -> QuerySet[Report]:
    """What a user may export: analysts everything, officers their queue, others the public map."""
    if user_is_analyst(user):
        return map_analysis_reports(user=user, filters=filters)
    if user_is_officer(user):
        return map_officer_reports(user=user, filters=filters)
    return map_public_reports(filters=filters)


def map_with_details(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Related names and the first photo, fetched in the same query as the reports."""
    first_photo = (
        Media.objects.filter(report=OuterRef("pk"), kind=Media.Kind.IMAGE)
        .order_by("id")
        .values("file")[:1]
    )
    return reports.select_related("category", "commune", "district", "current_agency").annotate(
        photo=Subquery(first_photo)
    )


def map_reports_sql(reports: QuerySet[Report], *columns: str) -> tuple[str, tuple]:
    """SELECT <columns> of the filtered reports, as SQL to embed in a PostGIS query."""
    sql, params = reports.order_by().values(*columns).query.sql_with_params()
    return sql, tuple(params)


def map_unit_stats(reports: QuerySet[Report], *, level: str) -> dict[int, dict]:
    """Per commune (or former district) id: reports, resolved, resolved on time, ratings."""
    from django.db.models import Count, F, Q

    from reports.models import Rating

    key = "district_id" if level == "district" else "commune_id"
    stats: dict[int, dict] = {}
    rows = (
        reports.order_by()
        .values(key)
        .annotate(
            n=Count("pk"),
            resolved=Count("pk", filter=Q(status=Status.PUBLISHED)),
            on_time=Count(
                "pk",
                filter=Q(status=Status.PUBLISHED, closed_at__isnull=False)
                & (Q(due_at__isnull=True) | Q(closed_at__lte=F("due_at"))),
            ),
        )
    )
    for row in rows:
        if row[key] is not None:
            stats[row[key]] = {**row, "rated": 0, "satisfied": 0, "acceptable": 0}
    ratings = (
        Rating.objects.filter(report__in=reports.order_by().values("pk"))
        .values(f"report__{key}")
        .annotate(
            rated=Count("pk"),
            satisfied=Count("pk", filter=Q(value=Rating.Value.SATISFIED)),
            acceptable=Count("pk", filter=Q(value=Rating.Value.ACCEPTABLE)),
        )
    )
    for row in ratings:
        unit = row[f"report__{key}"]
        if unit in stats:
            stats[unit].update(
                rated=row["rated"], satisfied=row["satisfied"], acceptable=row["acceptable"]
            )
    return stats


def map_cache_source_sql() -> tuple[str, tuple]:
    """Every report (hidden included) with what the maps cell cache groups by: whether the
    public map shows it (`is_public`) and whether it is still pending (`is_open`)."""
    reports = Report.objects.annotate(
        is_public=ExpressionWrapper(MAP_PUBLIC, output_field=BooleanField()),
        is_open=ExpressionWrapper(Q(status__in=Report.OPEN_STATUSES), output_field=BooleanField()),
    )
    return map_reports_sql(
        reports, "id", "point", "category_id", "created_at", "urgent", "is_public", "is_open"
    )


def map_category_ids(codes: tuple[str, ...]) -> list[int]:
    from routing_rules.models import Category

    return list(Category.objects.filter(code__in=codes).values_list("pk", flat=True))
