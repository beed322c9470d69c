"""Planners' analysis layers: pending-case heatmap, Gi* hotspots, per-unit choropleths.

numpy and scipy (Gi*) are imported by the hotspot functions, not here: every web worker loads
this module with the URLs, and only hotspot requests need them (about 60 MB of memory)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.db import connection
from django.db.models import Func, Value

from boundaries.selectors import unit_list
from boundaries.sql import INDEX_VERSION_SQL
from maps import cells, hexgrid
from maps.budget import statement_budget
from maps.errors import AnalysisSummaryStale, AnalysisTooBroad
from maps.selectors import MapFilters, map_reports_sql, map_unit_stats

if TYPE_CHECKING:
    import numpy as np

CHOROPLETH_SIMPLIFY_DEG = 0.0005
# The boundaries version token is in the key: a day bounds only the memory of old editions.
CHOROPLETH_UNITS_SECONDS = 86400


# The filters that send a hexagon layer to the live path, in the order an error names them;
# the choropleth's snapshot has no category split either.
LIVE_FILTERS = ("date_from", "date_to", "statuses", "commune", "district", "urgent", "bbox")
CHOROPLETH_LIVE_FILTERS = (*LIVE_FILTERS, "categories")
FILTER_PARAMS = {"statuses": "status", "categories": "category"}


def live_size_check(*, reports, filters: MapFilters, live_filters=LIVE_FILTERS) -> None:
    """Refuse a live layer over more than MAPS_ANALYSIS_LIVE_MAX_REPORTS reports, counting no
    further than the limit: a 400 naming the filter that needs the live path, or a 503 when
    none does (the cell cache is stale or off)."""
    limit = settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS
    if reports.order_by()[: limit + 1].count() <= limit:
        return
    live_refuse(filters=filters, live_filters=live_filters)


def live_refuse(*, filters: MapFilters, live_filters=LIVE_FILTERS) -> None:
    """The answer to a live layer over more than MAPS_ANALYSIS_LIVE_MAX_REPORTS reports."""
    limit = settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS
    given = [f for f in live_filters if getattr(filters, f) not in (None, ())]
    if not given:  # the cache would have answered, had it been fresh
        raise AnalysisSummaryStale()
    raise AnalysisTooBroad(
        field=FILTER_PARAMS.get(given[0], given[0]),
        limit=limit,
        by_category="categories" not in live_filters,
    )


def _hex_rows(*, reports, size: float, filters: MapFilters | None, klasses: tuple) -> list:
    """Per-hexagon counts from the cell cache when it can answer, else from the reports
    (bounded for requests, which always pass their filters; the bench's live baseline and
    tests pass none)."""
    if filters is not None and klasses and cells.cells_usable(filters):
        return cells.cells_hex_aggregate(filters=filters, klasses=klasses, size=size)
    return _live_rows(reports=reports, size=size, filters=filters)


def _live_rows(*, reports, size: float, filters: MapFilters | None) -> list:
    """Per-hexagon counts over the reports; with a request's filters, over no more than the
    live limit (refused past it), counted in the same pass as the binning."""
    sql, params = map_reports_sql(reports, "point", "created_at")
    if filters is None:
        return hexgrid.hex_aggregate(reports_sql=sql, params=params, size=size)
    limit = settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS
    read, rows = hexgrid.hex_aggregate_bounded(
        reports_sql=sql, params=params, size=size, limit=limit
    )
    if read > limit:
        live_refuse(filters=filters)
    return rows


def heatmap_layer(*, reports, size: float, filters: MapFilters | None = None) -> dict:
    """Open reports per hexagon, each weighted by its age in days (older cases weigh more)."""
    hexgrid.grid_area_check(size=size, bbox=filters.bbox if filters else None)
    rows = _hex_rows(reports=reports, size=size, filters=filters, klasses=cells.OPEN_KLASSES)
    return heatmap_of_rows(rows=rows, size=size)


def heatmap_of_rows(*, rows: list, size: float) -> dict:
    """The heatmap of (i, j, count, total age in days) rows."""
    hexagons = [
        {"i": i, "j": j, "count": int(n), "weight": round(float(age), 1)} for i, j, n, age in rows
    ]
    top = max((c["weight"] for c in hexagons), default=0.0)
    for cell in hexagons:
        cell["intensity"] = round(cell["weight"] / top, 4) if top else 0.0
    return {
        "type": "FeatureCollection",
        "cell_size_m": size,
        "features": hexgrid.hex_features(hexagons, size),
    }


def heatmap_json(*, reports, size: float, filters: MapFilters) -> bytes:
    """heatmap_layer's answer as the JSON text the API renders for it, in one pass
    (maps.analysis_text): per hexagon, only its weight and intensity are written per request;
    the rest is kept with the cell refresh it comes from."""
    from maps import analysis_text

    hexgrid.grid_area_check(size=size, bbox=filters.bbox)
    if cells.cells_usable(filters):
        return analysis_text.heatmap_cached(filters=filters, size=size)
    rows = _live_rows(reports=reports, size=size, filters=filters)
    return analysis_text.heatmap_live(rows=rows, size=size)


def hotspot_cells(
    *, reports, size: float, filters: MapFilters | None = None, rows: list | None = None
) -> tuple[hexgrid.StudyArea, np.ndarray, object]:
    """Counts on every study-area cell (zeros included) and the Gi* result for them."""
    import numpy as np

    from maps.hotspots import gi_star

    area = hexgrid.study_area(size=size)
    counts = np.zeros(len(area.i))
    if rows is None:
        rows = _hex_rows(reports=reports, size=size, filters=filters, klasses=cells.ALL_KLASSES)
    for i, j, n, _age in rows:
        k = area.index.get((int(i), int(j)))
        if k is not None:
            counts[k] = n
    return area, counts, gi_star(counts, area.neighbours)


def hotspot_layer(
    *,
    reports,
    size: float,
    filters: MapFilters | None = None,
    include_insignificant: bool = False,
) -> dict:
    import numpy as np

    area, counts, result = hotspot_cells(reports=reports, size=size, filters=filters)
    keep = np.arange(len(counts)) if include_insignificant else np.nonzero(result.level)[0]
    hexagons = [
        {
            "i": int(area.i[k]),
            "j": int(area.j[k]),
            "count": int(counts[k]),
            "z": round(float(result.z[k]), 3),
            "p": float(result.p[k]),
            "confidence": int(abs(result.level[k])),
            "kind": "hot" if result.level[k] > 0 else "cold" if result.level[k] < 0 else "none",
        }
        for k in keep
    ]
    return {
        "type": "FeatureCollection",
        "cell_size_m": size,
        "cells_tested": int(len(counts)),
        "reports": int(counts.sum()),
        "correction": "Benjamini-Hochberg FDR",
        "features": hexgrid.hex_features(hexagons, size),
    }


def hotspot_json(*, reports, size: float, filters: MapFilters) -> bytes:
    """hotspot_layer's answer as the JSON text the API renders for it; from the cell cache,
    kept whole for the refresh it comes from (Gi* over counts alone: exact until the next
    refresh)."""
    from maps import analysis_text

    if cells.cells_usable(filters):
        return analysis_text.hotspots_cached(filters=filters, size=size)
    hexgrid.study_area(size=size)  # the grid bound before any report is read
    rows = _live_rows(reports=reports, size=size, filters=filters)
    return analysis_text.hotspots_text(size=size, rows=rows)


def choropleth_units_key(level: str) -> str:
    """The shared-cache key of the served units' outlines: changes with any boundary write."""
    with connection.cursor() as cursor:
        cursor.execute(INDEX_VERSION_SQL)
        row = cursor.fetchone()
    edition = unit_list(level=level).values_list("edition_id", flat=True).first()
    return f"maps:choropleth-units:{row[0] if row else None}:{edition}:{level}"


def _choropleth_units(level: str) -> list[dict]:
    """The served edition's units of `level` with simplified outlines, kept in the shared
    cache until a boundary changes (simplifying every outline costs about a second: built
    under the build budget, not the request's)."""
    units = unit_list(level=level)
    key = choropleth_units_key(level)
    cached = cache.get(key)
    if cached is not None:
        return cached
    simple = units.annotate(
        simple=AsGeoJSON(
            Func(
                "geom",
                Value(CHOROPLETH_SIMPLIFY_DEG),
                function="ST_SimplifyPreserveTopology",
                output_field=GeometryField(srid=4326),
            ),
            precision=5,
        )
    )
    with statement_budget(settings.MAPS_ANALYSIS_BUILD_MS):
        found = [
            {
                "pk": unit.pk,
                "code": unit.code,
                "full_name": unit.full_name,
                "area_km2": unit.area_km2,
                "geometry": json.loads(unit.simple),
            }
            for unit in simple
        ]
    cache.set(key, found, CHOROPLETH_UNITS_SECONDS)
    return found


def choropleth_layer(*, reports, level: str, filters: MapFilters | None = None) -> dict:
    """Per-unit figures: from the cell refresh's snapshot when it can answer (no filter),
    else over the reports (bounded like the hexagon layers when a request's filters apply)."""
    stats = cells.cells_unit_stats(filters=filters, level=level) if filters is not None else None
    if stats is None:
        if filters is not None:
            live_size_check(reports=reports, filters=filters, live_filters=CHOROPLETH_LIVE_FILTERS)
        stats = map_unit_stats(reports, level=level)
    units = _choropleth_units(level)
    features = []
    for unit in units:
        row = stats.get(unit["pk"], {})
        n = row.get("n", 0)
        resolved = row.get("resolved", 0)
        rated = row.get("rated", 0)
        features.append(
            {
                "type": "Feature",
                "geometry": unit["geometry"],
                "properties": {
                    "code": unit["code"],
                    "name": unit["full_name"],
                    "area_km2": round(unit["area_km2"], 2),
                    "reports": n,
                    "per_km2": round(n / unit["area_km2"], 3) if unit["area_km2"] else None,
                    "resolved": resolved,
                    "on_time_share": round(row.get("on_time", 0) / resolved, 3)
                    if resolved
                    else None,
                    "rated": rated,
                    "satisfied_share": round(row.get("satisfied", 0) / rated, 3) if rated else None,
                    "satisfaction_score": round(
                        (row.get("satisfied", 0) + 0.5 * row.get("acceptable", 0)) / rated, 3
                    )
                    if rated
                    else None,
                },
            }
        )
    return {"type": "FeatureCollection", "level": level, "features": features}
