"""The reports the maps show, always starting from what `reports.policy` lets the user see.

Each scoped selector takes one policy queryset and narrows it with the map's filters; maps
never decides on its own who sees which report. Tile, hexagon and cache queries embed these
querysets compiled to SQL here, with their parameters kept apart (`map_reports_sql`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import Polygon
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from reports import policy
from reports.models import Media, Rating, Report, User
from routing_rules.models import Category

AnyUser = User | AnonymousUser | None
# The columns the cell cache is built from (see maps.sql.cells.CELL_SOURCE_CREATE).
CACHE_SOURCE_COLUMNS = (
    "id",
    "point",
    "category_id",
    "created_at",
    "urgent",
    "is_public",
    "is_open",
)


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


def map_filters_apply(reports: QuerySet[Report], filters: MapFilters | None) -> QuerySet[Report]:
    filters = filters or MapFilters()
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
        reports = reports.filter(point__intersects=Polygon.from_bbox(filters.bbox))
    return reports


def map_public_reports(*, filters: MapFilters | None = None) -> QuerySet[Report]:
    """What the public map shows (the policy's public-map reports), filtered."""
    return map_filters_apply(policy.reports_public_map(), filters)


def map_officer_reports(*, user: AnyUser, filters: MapFilters | None = None) -> QuerySet[Report]:
    """The officer's queue map: their agency's open cases, filtered; nothing for others."""
    return map_filters_apply(policy.reports_officer_map(user=user), filters)


def map_analysis_reports(*, user: AnyUser, filters: MapFilters | None = None) -> QuerySet[Report]:
    """Every report for analysts, filtered; nothing for anyone else."""
    return map_filters_apply(policy.reports_analysis(user=user), filters)


def map_open_reports(*, user: AnyUser, filters: MapFilters | None = None) -> QuerySet[Report]:
    """Pending cases for the heatmap (analysts only)."""
    return map_analysis_reports(user=user, filters=filters).filter(policy.OPEN_Q)


def map_export_reports(*, user: AnyUser, filters: MapFilters | None = None) -> QuerySet[Report]:
    """What the user may export, filtered."""
    return map_filters_apply(policy.reports_exportable(user=user), filters)


def map_with_details(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Related names and the first photo, fetched in the same query as the reports."""
    # Popups show the 320-px thumbnail when the photo has one.
    small = Coalesce(KT("thumbnails__320__name"), F("file"), output_field=TextField())
    images = Media.objects.filter(report=OuterRef("pk"), kind=Media.Kind.IMAGE)
    first_photo = (
        images.filter(result__isnull=True).order_by("id").annotate(small=small).values("small")[:1]
    )
    # A resolved report's popup shows the fix: the first "after" photo of its result, only
    # where the policy lets anyone see that result's photos.
    after_photo = (
        images.filter(policy.EVIDENCE_PUBLIC_Q, role=Media.Role.AFTER)
        .order_by("-result__decided_at", "id")
        .annotate(small=small)
        .values("small")[:1]
    )
    # Without the units' boundaries: each row would carry its commune's and district's full
    # multipolygons (5,000 pins: gigabytes read, parsed and held by the worker).
    return (
        reports.select_related("category", "commune", "district", "current_agency")
        .defer("commune__geom", "district__geom")
        .annotate(photo=Subquery(first_photo), after_photo=Subquery(after_photo))
    )


def map_reports_sql(reports: QuerySet[Report], *columns: str) -> tuple[str, tuple]:
    """SELECT <columns> of the reports, as SQL to embed in a PostGIS query, and its params."""
    sql, params = reports.order_by().values(*columns).query.sql_with_params()
    return sql, tuple(params)


def map_cache_source_sql() -> tuple[str, tuple]:
    """Every report with the policy's `is_public` / `is_open` flags the cell cache groups by."""
    return map_reports_sql(policy.reports_classified(), *CACHE_SOURCE_COLUMNS)


def map_unit_stats(reports: QuerySet[Report], *, level: str) -> dict[int, dict]:
    """Per commune (or former district) id: reports, resolved, resolved on time, ratings."""
    key = "district_id" if level == "district" else "commune_id"
    resolved = Q(status=Report.Status.PUBLISHED)
    stats: dict[int, dict] = {}
    rows = (
        reports.order_by()
        .values(key)
        .annotate(
            n=Count("pk"),
            resolved=Count("pk", filter=resolved),
            on_time=Count(
                "pk",
                filter=resolved
                & Q(closed_at__isnull=False)
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


def map_category_ids(codes: tuple[str, ...]) -> list[int]:
    return list(Category.objects.filter(code__in=codes).values_list("pk", flat=True))
