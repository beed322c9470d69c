"""The report-cell cache: low-zoom tiles, heatmaps and Gi* read it instead of every report.

Rebuilt as a whole (`manage.py maps_cells_refresh`, or the Celery task) in one transaction;
used only while fresh (MAPS_CELL_CACHE_MAX_AGE seconds) and only for filters it can answer
(category only); anything else takes the live path over the reports themselves.
"""

import time
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from gis_portal.dbrouting import read_connection
from maps import hexgrid, point_cells
from maps.models import CellRefresh, ReportCell
from maps.selectors import MapFilters, map_cache_source_sql, map_category_ids, map_unit_stats
from maps.sql import cells as sql
from reports import policy
from reports.models import Report

if TYPE_CHECKING:  # numpy loads with the first analysis request, not in every worker
    import numpy as np

BASE_ZOOM = 10
GRID = 64
WEB_MERCATOR_HALF = 20037508.342789244
BASE_CELL = 2 * WEB_MERCATOR_HALF / 2**BASE_ZOOM / GRID
# Exact hexagon grids kept in the cache: one per zoom size (maps.hexgrid.ZOOM_SIZES; 500 m is
# also Gi*'s default). Other sizes re-bin the mercator squares.
HEX_GRIDS = {"g": 250, "h": 500, "a": 1000, "b": 2000, "c": 4000, "d": 8000}
ALL_CATEGORIES = 0
UNIT_LEVELS = ("commune", "district")
# The advisory lock of the rebuild (maps.sql.cells.CELLS_REFRESH_LOCK); any fixed bigint.
REFRESH_LOCK_KEY = 4_872_010
Klass = ReportCell.Klass
PUBLIC_KLASSES = (Klass.PUBLIC_OPEN.value, Klass.PUBLIC_DONE.value)
OPEN_KLASSES = (Klass.PUBLIC_OPEN.value, Klass.OPEN.value)
ALL_KLASSES = tuple(Klass.values)
# The class of a source report that is public and open, public, open, neither (in that order:
# the parameters of maps.sql.cells.CELL_SOURCE_CREATE).
CLASS_OF_SOURCE = (
    Klass.PUBLIC_OPEN.value,
    Klass.PUBLIC_DONE.value,
    Klass.OPEN.value,
    Klass.OTHER.value,
)


def max_age() -> int:
    return int(settings.MAPS_CELL_CACHE_MAX_AGE)


@transaction.atomic
def cells_refresh() -> CellRefresh:
    """Rebuild the whole cache from the reports (set-based; about two minutes at 1M reports)."""
    started = time.perf_counter()
    source, params = map_cache_source_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql.CELLS_REFRESH_LOCK, (REFRESH_LOCK_KEY,))
        cursor.execute(sql.CELL_SOURCE_DROP)
        cursor.execute(
            sql.CELL_SOURCE_CREATE.format(source=source),
            (hexgrid.metric_srid(), *CLASS_OF_SOURCE, *params),
        )
        cursor.execute(sql.CELLS_CLEAR)
        cursor.execute(
            sql.CELLS_INSERT_MERCATOR, {"grid": ReportCell.Grid.MERCATOR.value, "cell": BASE_CELL}
        )
        for grid, size in HEX_GRIDS.items():
            cursor.execute(sql.CELLS_INSERT_HEX, (grid, size))
        cursor.execute(sql.CELLS_INSERT_ALL_CATEGORIES, {"all": ALL_CATEGORIES})
        point_cells.point_cells_build(cursor)
        cursor.execute(sql.CELL_SOURCE_DROP)
        cursor.execute(sql.CELLS_ANALYZE)
        cursor.execute(sql.CELLS_ROWS)
        rows = cursor.fetchone()[0]
    # Per-unit figures of every report for the unfiltered choropleth, read in the same
    # transaction as the cells.
    every = policy.reports_classified()
    unit_stats = {level: map_unit_stats(every, level=level) for level in UNIT_LEVELS}
    CellRefresh.objects.all().delete()
    return CellRefresh.objects.create(
        refreshed_at=timezone.now(),
        reports=Report.objects.count(),
        rows=rows,
        seconds=round(time.perf_counter() - started, 2),
        unit_stats=unit_stats,
    )


def _fresh_refresh(*, with_stats: bool = False) -> CellRefresh | None:
    refreshes = CellRefresh.objects.order_by("-refreshed_at")
    if not with_stats:
        refreshes = refreshes.defer("unit_stats")
    latest = refreshes.first()
    if latest is None or latest.refreshed_at < timezone.now() - timedelta(seconds=max_age()):
        return None
    return latest


def cells_usable(filters: MapFilters) -> bool:
    """True when the cache is fresh and can answer these filters exactly."""
    if not settings.MAPS_CELL_CACHE:
        return False
    if filters.statuses or filters.commune or filters.district or filters.urgent is not None:
        return False
    if filters.date_from or filters.date_to or filters.bbox:
        return False
    return _fresh_refresh() is not None


def cells_unit_stats(*, filters: MapFilters, level: str) -> dict | None:
    """The choropleth's per-unit figures over every report from the last fresh refresh, when
    the filters ask for no subset (the snapshot has no category split); else None."""
    if filters.categories or not cells_usable(filters):
        return None
    refresh = _fresh_refresh(with_stats=True)
    stats = refresh.unit_stats.get(level) if refresh else None
    # JSON keys are text; the unit ids are ints.
    return None if stats is None else {int(unit): row for unit, row in stats.items()}


def _where(filters: MapFilters, klasses: tuple[str, ...], grid: str) -> tuple:
    """Params of the cache's grid / classes / categories condition."""
    categories = map_category_ids(filters.categories) if filters.categories else [ALL_CATEGORIES]
    return (grid, list(klasses), categories)


def cells_hex_aggregate(
    *, filters: MapFilters, klasses: tuple[str, ...], size: float
) -> list[tuple]:
    """(i, j, count, total age in days) per hexagon, like hexgrid.hex_aggregate.

    Sizes in HEX_GRIDS are exact; others re-bin the ~600 m squares by their mean position.
    """
    now = time.time()
    exact = {v: k for k, v in HEX_GRIDS.items()}
    if size in exact:
        query, params = sql.CELLS_HEX_EXACT, (now, *_where(filters, klasses, exact[size]))
    else:
        where = _where(filters, klasses, ReportCell.Grid.MERCATOR.value)
        query, params = sql.CELLS_HEX_REBIN, (now, *where, size)
    with read_connection(ReportCell).cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def cells_refresh_id(filters: MapFilters) -> int | None:
    """The id of the fresh refresh that can answer these filters exactly, else None: the
    version an analysis answer from the cells is kept under (each rebuild has a new id)."""
    if not cells_usable(filters):
        return None
    refresh = _fresh_refresh()
    return refresh.pk if refresh else None


def cells_hex_totals(
    *, filters: MapFilters, klasses: tuple[str, ...], size: float
) -> "tuple[int | None, np.ndarray]":
    """(i, j, count, sum of submission epochs) per hexagon as an (n, 4) float array, and the
    id of the refresh they are from, None if a rebuild committed while they were read (the
    caller must not keep them). Exact sizes and re-binning as cells_hex_aggregate."""
    import numpy as np

    exact = {v: k for k, v in HEX_GRIDS.items()}
    if size in exact:
        query, params = sql.CELLS_HEX_EXACT_TOTALS, _where(filters, klasses, exact[size])
    else:
        where = _where(filters, klasses, ReportCell.Grid.MERCATOR.value)
        query, params = sql.CELLS_HEX_REBIN_TOTALS, (*where, size)
    with read_connection(ReportCell).cursor() as cursor:
        cursor.execute(sql.CELLS_REFRESH_ID)
        before = cursor.fetchone()[0]
        cursor.execute(query, params)
        rows = cursor.fetchall()
        cursor.execute(sql.CELLS_REFRESH_ID)
        after = cursor.fetchone()[0]
    totals = np.array(rows, dtype=float).reshape(-1, 4)
    return (before if before == after else None), totals


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
    tile = 2 * WEB_MERCATOR_HALF / 2**z
    margin = tile * buffer / extent
    west = -WEB_MERCATOR_HALF + x * tile - margin
    east = west + tile + 2 * margin
    north = WEB_MERCATOR_HALF - y * tile + margin
    south = north - tile - 2 * margin
    grid, klass_list, categories = _where(filters, klasses, ReportCell.Grid.MERCATOR.value)
    params = {
        "z": z,
        "x": x,
        "y": y,
        "factor": 2 ** (BASE_ZOOM - z),
        "grid": grid,
        "klasses": klass_list,
        "categories": categories,
        "cx_min": int(west // BASE_CELL),
        "cx_max": int(east // BASE_CELL),
        "cy_min": int(south // BASE_CELL),
        "cy_max": int(north // BASE_CELL),
        "cell": BASE_CELL,
        "extent": extent,
        "buffer": buffer,
    }
    with read_connection(ReportCell).cursor() as cursor:
        cursor.execute(sql.CELLS_COUNT_TILE, params)
        return bytes(cursor.fetchone()[0] or b"")
