"""Planners' analysis layers: pending-case heatmap, Gi* hotspots, per-unit choropleths.

numpy and scipy (Gi*) are imported by the hotspot functions, not here: every web worker loads
this module with the URLs, and only hotspot requests need them (about 60 MB of memory)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func, Value

from boundaries.selectors import unit_list
from maps import cells, hexgrid
from maps.selectors import MapFilters, map_reports_sql, map_unit_stats

if TYPE_CHECKING:
    import numpy as np

CHOROPLETH_SIMPLIFY_DEG = 0.0005


def _hex_rows(*, reports, size: float, filters: MapFilters | None, klasses: tuple) -> list:
    """Per-hexagon counts from the cell cache when it can answer, else from the reports."""
    if filters is not None and klasses and cells.cells_usable(filters):
        return cells.cells_hex_aggregate(filters=filters, klasses=klasses, size=size)
    sql, params = map_reports_sql(reports, "point", "created_at")
    return hexgrid.hex_aggregate(reports_sql=sql, params=params, size=size)


def heatmap_layer(*, reports, size: float, filters: MapFilters | None = None) -> dict:
    """Open reports per hexagon, each weighted by its age in days (older cases weigh more)."""
    hexgrid.grid_area_check(size=size, bbox=filters.bbox if filters else None)
    rows = _hex_rows(reports=reports, size=size, filters=filters, klasses=cells.OPEN_KLASSES)
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


def hotspot_cells(
    *, reports, size: float, filters: MapFilters | None = None
) -> tuple[hexgrid.StudyArea, np.ndarray, object]:
    """Counts on every study-area cell (zeros included) and the Gi* result for them."""
    import numpy as np

    from maps.hotspots import gi_star

    area = hexgrid.study_area(size=size)
    counts = np.zeros(len(area.i))
    rows = _hex_rows(reports=reports, size=size, filters=filters, klasses=cells.ALL_KLASSES)
    for i, j, n, _age in rows:
        k = area.index.get((i, j))
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


def choropleth_layer(*, reports, level: str) -> dict:
    stats = map_unit_stats(reports, level=level)
    units = unit_list(level=level).annotate(
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
    features = []
    for unit in units:
        row = stats.get(unit.pk, {})
        n = row.get("n", 0)
        resolved = row.get("resolved", 0)
        rated = row.get("rated", 0)
        features.append(
            {
                "type": "Feature",
                "geometry": json.loads(unit.simple),
                "properties": {
                    "code": unit.code,
                    "name": unit.full_name,
                    "area_km2": round(unit.area_km2, 2),
                    "reports": n,
                    "per_km2": round(n / unit.area_km2, 3) if unit.area_km2 else None,
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
