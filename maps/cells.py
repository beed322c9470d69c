"""The report-cell cache: low-zoom tiles, heatmaps and Gi* read it instead of every report.

Rebuilt as a whole (`manage.py maps_cells_refresh`, or the Celery task) in one transaction;
used only while fresh (MAPS_CELL_CACHE_MAX_AGE seconds) and only for filters it can answer
(category only); anything else takes the live path over the reports themselves.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from maps import hexgrid, point_cells
from maps.models import CellRefresh, ReportCell
from reports.map_selectors import MapFilters, map_cache_source_sql, map_category_ids
from reports.models import Report

BASE_ZOOM = 10
GRID = 64
WEB_MERCATOR_HALF = 20037508.342789244
BASE_CELL = 2 * WEB_MERCATOR_HALF / 2**BASE_ZOOM / GRID
# Exact hexagon grids kept in the cache: 500 m for Gi*, the rest for the heatmap's low zooms.
HEX_GRIDS = {"h": 500, "a": 1000, "b": 2000, "c": 4000, "d": 8000}
ALL_CATEGORIES = 0
Klass = ReportCell.Klass
PUBLIC_KLASSES = (Klass.PUBLIC_OPEN.value, Klass.PUBLIC_DONE.value)
OPEN_KLASSES = (Klass.PUBLIC_OPEN.value, Klass.OPEN.value)
ALL_KLASSES = tuple(Klass.values)
KLASS_SQL = f"""CASE WHEN r.is_public AND r.is_open THEN '{Klass.PUBLIC_OPEN.value}'
    WHEN r.is_public THEN '{Klass.PUBLIC_DONE.value}' WHEN r.is_open THEN '{Klass.OPEN.value}'
    ELSE '{Klass.OTHER.value}' END"""


def max_age() -> int:
    return int(settings.MAPS_CELL_CACHE_MAX_AGE)


@transaction.atomic
def cells_refresh() -> CellRefresh:
    """Rebuild the whole cache from the reports (set-based; about two minutes at 1M reports)."""
    started = time.perf_counter()
    source, params = map_cache_source_sql()
    srid = hexgrid.metric_srid()
    rows_sql = """
        INSERT INTO maps_reportcell
            (grid, cx, cy, category_id, klass, n, created_sum, ux, uy)
    """
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS maps_cell_source")
        # Each report is projected once, then binned into every grid.
        cursor.execute(
            f"""CREATE TEMP TABLE maps_cell_source ON COMMIT DROP AS
                SELECT ST_Transform(r.point, 3857) AS m, ST_Transform(r.point, {srid}) AS g,
                       r.category_id, {KLASS_SQL} AS klass,
                       EXTRACT(EPOCH FROM r.created_at) AS epoch,
                       r.id, r.urgent, r.created_at,
                       {point_cells.FX_SQL.format(p="r.point")} AS fx,
                       {point_cells.FY_SQL.format(p="r.point")} AS fy
                FROM ({source}) r""",
            params,
        )
        cursor.execute("DELETE FROM maps_reportcell")
        cursor.execute(
            rows_sql
            + f"""
            SELECT 'm', floor(ST_X(m) / {BASE_CELL})::int, floor(ST_Y(m) / {BASE_CELL})::int,
                   category_id, klass, count(*), sum(epoch), avg(ST_X(g)), avg(ST_Y(g))
            FROM maps_cell_source GROUP BY 2, 3, 4, 5"""
        )
        for grid, size in HEX_GRIDS.items():
            points = "SELECT g, category_id, klass, epoch FROM maps_cell_source"
            cursor.execute(
                rows_sql
                + f"""
                SELECT '{grid}', i, j, category_id, klass, count(*), sum(epoch), NULL, NULL
                FROM ({hexgrid.bin_sql(points, size)}) b GROUP BY 2, 3, 4, 5"""
            )
        # Category 0 rows sum every category: the unfiltered layers read ten times fewer rows.
        cursor.execute(
            rows_sql
            + f"""
            SELECT grid, cx, cy, {ALL_CATEGORIES}, klass, sum(n), sum(created_sum),
                   sum(n * ux) / sum(n), sum(n * uy) / sum(n)
            FROM maps_reportcell GROUP BY grid, cx, cy, klass"""
        )
        point_cells.point_cells_build(cursor, "maps_cell_source")
        cursor.execute("DROP TABLE IF EXISTS maps_cell_source")
        # Fresh statistics, or the planner guesses one row per lookup and picks bad joins.
        cursor.execute("ANALYZE maps_reportcell, maps_pointcell")
        cursor.execute(
            "SELECT (SELECT count(*) FROM maps_reportcell) + (SELECT count(*) FROM maps_pointcell)"
        )
        rows = cursor.fetchone()[0]
    CellRefresh.objects.all().delete()
    return CellRefresh.objects.create(
        refreshed_at=timezone.now(),
        reports=Report.objects.count(),
        rows=rows,
        seconds=round(time.perf_counter() - started, 2),
    )


def cells_usable(filters: MapFilters) -> bool:
    """True when the cache is fresh and can answer these filters exactly."""
    if not settings.MAPS_CELL_CACHE:
        return False
    if filters.statuses or filters.commune or filters.district or filters.urgent is not None:
        return False
    if filters.date_from or filters.date_to or filters.bbox:
        return False
    latest = CellRefresh.objects.order_by("-refreshed_at").first()
    return latest is not None and latest.refreshed_at >= timezone.now() - timedelta(
        seconds=max_age()
    )


def _where(filters: MapFilters, klasses: tuple[str, ...], grid: str) -> tuple[str, list]:
    clauses = ["grid = %s", "klass = ANY(%s)"]
    params: list = [grid, list(klasses)]
    if filters.categories:
        clauses.append("category_id = ANY(%s)")
        params.append(map_category_ids(filters.categories))
    else:
        clauses.append("category_id = %s")
        params.append(ALL_CATEGORIES)
    return " AND ".join(clauses), params


def cells_hex_aggregate(
    *, filters: MapFilters, klasses: tuple[str, ...], size: float
) -> list[tuple]:
    """(i, j, count, total age in days) per hexagon, like hexgrid.hex_aggregate.

    Sizes in HEX_GRIDS are exact; others re-bin the ~600 m squares by their mean position.
    """
    now = time.time()
    exact = {v: k for k, v in HEX_GRIDS.items()}
    if size in exact:
        where, params = _where(filters, klasses, exact[size])
        sql = f"""
            SELECT cx, cy, sum(n), sum(n * {now} - created_sum) / 86400.0
            FROM maps_reportcell WHERE {where} GROUP BY cx, cy
        """
    else:
        where, params = _where(filters, klasses, ReportCell.Grid.MERCATOR)
        points = (
            f"SELECT ST_MakePoint(ux, uy) AS g, n, created_sum FROM maps_reportcell WHERE {where}"
        )
        sql = f"""
            SELECT i, j, sum(n), sum(n * {now} - created_sum) / 86400.0
            FROM ({hexgrid.bin_sql(points, size)}) b GROUP BY i, j
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def cells_count_tile(
    *,
    filters: MapFilters,
    klasses: tuple[str, ...],
    z: int,
    x: int,
    y: int,
    extent: int,
    buffer: int,
) -> bytes:
    """MVT layer `counts` for a tile below zoom 12, from the mercator squares."""
    factor = 2 ** (BASE_ZOOM - z)
    tile = 2 * WEB_MERCATOR_HALF / 2**z
    margin = tile * buffer / extent
    west = -WEB_MERCATOR_HALF + x * tile - margin
    east = west + tile + 2 * margin
    north = WEB_MERCATOR_HALF - y * tile + margin
    south = north - tile - 2 * margin
    where, params = _where(filters, klasses, ReportCell.Grid.MERCATOR)
    sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS env),
        coarse AS (
            SELECT floor(cx / {factor}.0) AS gx, floor(cy / {factor}.0) AS gy, sum(n) AS n,
                   sum(n * (cx + 0.5)) / sum(n) AS fx, sum(n * (cy + 0.5)) / sum(n) AS fy
            FROM maps_reportcell
            WHERE {where}
              AND cx BETWEEN {int(west // BASE_CELL)} AND {int(east // BASE_CELL)}
              AND cy BETWEEN {int(south // BASE_CELL)} AND {int(north // BASE_CELL)}
            GROUP BY 1, 2
        ),
        features AS (
            SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(fx * {BASE_CELL}, fy * {BASE_CELL}),
                                           3857), bounds.env, {extent}, {buffer}, true) AS geom,
                   n::int AS count
            FROM coarse, bounds
        )
        SELECT ST_AsMVT(features, 'counts', {extent}, 'geom') FROM features
        WHERE geom IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (z, x, y, *params))
        return bytes(cursor.fetchone()[0] or b"")
