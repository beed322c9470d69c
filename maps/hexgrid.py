"""Hexagon grid in the metric CRS, laid out exactly like PostGIS ST_HexagonGrid / ST_Hexagon.

PostGIS hexagons are flat-topped, columns i at x = 1.5·size·i, odd columns shifted up by half a
hexagon height, origin (0, 0). Binning a point arithmetically (nearest centre among the two
candidate columns) gives the same (i, j) as intersecting it with ST_HexagonGrid, without a
spatial join, so aggregating a million points is one sequential GROUP BY (maps.sql.hexgrid).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext as _

from boundaries.selectors import unit_list
from maps.budget import statement_budget
from maps.errors import GridTooFine, thousands
from maps.sql import hexgrid as sql

if TYPE_CHECKING:  # numpy and scipy load with the first hotspot request, not in every worker
    import numpy as np

SQRT3 = 3**0.5
# Cell size (hexagon edge, metres) by web-map zoom: about 20–40 screen pixels per cell.
ZOOM_SIZES = ((7, 8000), (8, 4000), (9, 2000), (10, 1000), (11, 500), (12, 250))
MIN_SIZE, MAX_SIZE = 100, 20000
DEFAULT_HOTSPOT_SIZE = 500


def size_for_zoom(zoom: int) -> int:
    for max_zoom, size in ZOOM_SIZES:
        if zoom <= max_zoom:
            return size
    return ZOOM_SIZES[-1][1]


def metric_srid() -> int:
    return settings.BOUNDARIES_METRIC_SRID


def cell_centres(i: np.ndarray, j: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    h = size * SQRT3
    return 1.5 * size * i, h * j + h / 2 * (abs(i) % 2)


@dataclass(frozen=True)
class StudyArea:
    """Every cell of the grid that touches the province, and its binary contiguity weights."""

    size: float
    i: np.ndarray
    j: np.ndarray
    index: dict
    neighbours: object  # scipy.sparse.csr_matrix, self included (Gi*)


def _study_key(edition_id: int, province_code: str, size: float) -> str:
    return f"maps:study-area:{edition_id}:{province_code}:{size:g}"


def _study_cells(edition_id: int, province_code: str, size: float, *, build: bool = True):
    """(i, j) of the study area's cells, shared by every process through the cache: building
    them takes seconds at fine sizes (ST_HexagonGrid over every commune part), more than the
    analysis budget: the cell refresh task stores those of the zoom sizes beforehand, and a
    request at another size builds its own once, under MAPS_ANALYSIS_BUILD_MS."""
    import numpy as np

    key = _study_key(edition_id, province_code, size)
    stored = cache.get(key)
    if stored is not None:
        return np.frombuffer(stored, dtype=np.int32).reshape(-1, 2).astype(np.int64)
    if not build:
        return None
    params = {
        "size": size,
        "srid": metric_srid(),
        "edition": edition_id,
        "code": province_code,
        "level": "commune",
    }
    with statement_budget(settings.MAPS_ANALYSIS_BUILD_MS), connection.cursor() as cursor:
        cursor.execute(sql.STUDY_AREA_SQL, params)
        rows = cursor.fetchall()
    ij = np.array(rows, dtype=np.int64).reshape(-1, 2)
    cache.set(key, ij.astype(np.int32).tobytes(), timeout=None)
    return ij


def study_areas_warm(*, province_code: str | None = None) -> list[float]:
    """Store the study areas of every zoom size (and the hotspot default) not stored yet;
    the sizes built. Run by the cell refresh task, outside any request budget."""
    province = _province(province_code)
    built = []
    for size in sorted({float(s) for _zoom, s in ZOOM_SIZES} | {float(DEFAULT_HOTSPOT_SIZE)}):
        if _study_cells(province.edition_id, province.province_code, size, build=False) is None:
            _study_cells(province.edition_id, province.province_code, size)
            built.append(size)
    return built


@lru_cache(maxsize=16)
def _study_area(edition_id: int, province_code: str, size: float) -> StudyArea:
    import numpy as np
    from scipy import sparse
    from scipy.spatial import cKDTree

    ij = _study_cells(edition_id, province_code, size)
    x, y = cell_centres(ij[:, 0], ij[:, 1], size)
    tree = cKDTree(np.column_stack([x, y]))
    # Centres of touching hexagons are size·√3 apart; the next ring is 3·size away.
    pairs = tree.query_pairs(r=size * SQRT3 * 1.01, output_type="ndarray")
    n = len(ij)
    rows_idx = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
    cols_idx = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
    weights = sparse.csr_matrix((np.ones(len(rows_idx)), (rows_idx, cols_idx)), shape=(n, n))
    index = {(int(a), int(b)): k for k, (a, b) in enumerate(ij)}
    return StudyArea(size=size, i=ij[:, 0], j=ij[:, 1], index=index, neighbours=weights)


def _province(province_code: str | None = None):
    code = province_code or settings.BOUNDARIES_SERVED_PROVINCES[0]
    province = unit_list(level="province", province_code=code).select_related(None).first()
    if province is None:
        raise ValueError(_("Chưa có ranh giới tỉnh để dựng lưới lục giác."))
    return province


def hexagon_area_m2(size: float) -> float:
    return 1.5 * SQRT3 * size**2


def bbox_area_km2(bbox: tuple[float, float, float, float]) -> float:
    """Area of a lon/lat box (spherical approximation: enough for a bound)."""
    west, south, east, north = bbox
    radius_km = 6371.0088
    band = abs(math.sin(math.radians(north)) - math.sin(math.radians(south)))
    return radius_km**2 * math.radians(east - west) * band


def grid_check(*, size: float, area_km2: float, narrowable: bool) -> None:
    """Refuse a grid of more than MAPS_HEX_MAX_CELLS hexagons over the area (400 on `cell`):
    a 1-metre grid over the province would be billions of cells."""
    limit = settings.MAPS_HEX_MAX_CELLS
    cells = math.ceil(area_km2 * 1e6 / hexagon_area_m2(size))
    if cells <= limit:
        return
    smallest = math.ceil(math.sqrt(area_km2 * 1e6 / (1.5 * SQRT3 * limit)) / 10) * 10
    values = {
        "size": thousands(int(size)),
        "cells": thousands(cells),
        "limit": thousands(limit),
        "smallest": thousands(smallest),
    }
    if narrowable:
        reason = _(
            "ô %(size)s m cho khoảng %(cells)s ô lục giác, vượt giới hạn %(limit)s ô; hãy dùng "
            "ô từ %(smallest)s m trở lên hoặc thu hẹp vùng bản đồ (bbox)."
        )
    else:
        reason = _(
            "ô %(size)s m cho khoảng %(cells)s ô lục giác, vượt giới hạn %(limit)s ô; hãy dùng "
            "ô từ %(smallest)s m trở lên."
        )
    raise GridTooFine(reason % values)


def grid_area_check(*, size: float, bbox: tuple[float, float, float, float] | None) -> None:
    """grid_check over the province, or the part of the map box that can hold reports."""
    area = _province().area_km2
    if bbox:
        area = min(area, bbox_area_km2(bbox))
    grid_check(size=size, area_km2=area, narrowable=True)


def study_area_check(*, size: float, province_code: str | None = None):
    """The province whose study area Gi* uses at this size, after the grid bound (400)."""
    province = _province(province_code)
    grid_check(size=size, area_km2=province.area_km2, narrowable=False)
    return province


def study_area(*, size: float, province_code: str | None = None) -> StudyArea:
    """Every hexagon over the province (Gi* tests them all, whatever box the map shows)."""
    province = study_area_check(size=size, province_code=province_code)
    return _study_area(province.edition_id, province.province_code, float(size))


def hex_aggregate(*, reports_sql: str, params: tuple, size: float) -> list[tuple]:
    """(i, j, count, total age in days) per cell for the reports SQL (columns point, created_at)."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.HEX_AGGREGATE_SQL.format(reports=reports_sql), (metric_srid(), *params, size)
        )
        return cursor.fetchall()


def hex_aggregate_bounded(
    *, reports_sql: str, params: tuple, size: float, limit: int
) -> tuple[int, list[tuple]]:
    """(reports read, hex_aggregate's rows) over at most `limit` + 1 reports: the rows are
    those of every report when no more than `limit` were read."""
    with connection.cursor() as cursor:
        cursor.execute(
            sql.HEX_AGGREGATE_BOUNDED_SQL.format(reports=reports_sql),
            (metric_srid(), *params, limit + 1, size),
        )
        rows = cursor.fetchall()
    return sum(row[2] for row in rows), rows


# Vertices of ST_Hexagon's ring, as multiples of the size, in its order (west, then clockwise).
_RING = ((-1.0, 0.0), (-0.5, -SQRT3 / 2), (0.5, -SQRT3 / 2), (1.0, 0.0), (0.5, SQRT3 / 2))
RING = (*_RING, (-0.5, SQRT3 / 2), (-1.0, 0.0))


@lru_cache(maxsize=4)
def _to_wgs84(srid: int):
    from pyproj import Transformer

    return Transformer.from_crs(srid, 4326, always_xy=True)


def hex_features(cells: list[dict], size: float) -> list[dict]:
    """GeoJSON features for cells given as dicts with `i`, `j` and properties.

    The rings are ST_Hexagon's, projected to WGS 84 with PROJ and rounded to 6 decimals like
    ST_AsGeoJSON(…, 6), in numpy: building, sending and parsing 18,000 polygons' GeoJSON from
    PostgreSQL cost more than the whole layer."""
    if not cells:
        return []
    import numpy as np

    i = np.array([int(c["i"]) for c in cells])
    j = np.array([int(c["j"]) for c in cells])
    rings = _rings_wgs84(i, j, size).tolist()
    return [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [r]}, "properties": p}
        for r, p in zip(rings, cells, strict=True)
    ]


def _rings_wgs84(i, j, size: float):
    """(n, 7, 2) lon/lat of the hexagons' rings, rounded like ST_AsGeoJSON(…, 6)."""
    import numpy as np

    cx, cy = cell_centres(np.asarray(i), np.asarray(j), float(size))
    ring = np.array(RING)
    x = cx[:, None] + float(size) * ring[None, :, 0]
    y = cy[:, None] + float(size) * ring[None, :, 1]
    lon, lat = _to_wgs84(metric_srid()).transform(x, y)
    return np.round(np.stack([lon, lat], axis=-1), 6)


def hex_geometry_block(i, j, size: float) -> np.ndarray:
    """(n, w) NUL-padded bytes of each hexagon's GeoJSON geometry: the text json.dumps writes
    for hex_features' geometries (maps.jsontext), without a dict or a float repr per vertex."""
    import numpy as np

    from maps import jsontext

    rings = _rings_wgs84(i, j, size)
    n = len(rings)
    if n == 0:
        return np.zeros((0, 0), dtype=np.uint8)
    numbers = jsontext.fixed(rings.ravel(), 6).reshape(n, 2 * len(RING), -1)
    # What follows each number: the latitude after the longitude, then the next vertex.
    after = [b","] + [b"],[", b","] * (len(RING) - 1) + [b"]]]}"]
    width = max(len(a) for a in after)
    glue = np.zeros((len(after), width), dtype=np.uint8)
    for k, text in enumerate(after):
        glue[k, : len(text)] = np.frombuffer(text, dtype=np.uint8)
    body = np.concatenate([numbers, np.broadcast_to(glue, (n, *glue.shape))], axis=2)
    return jsontext.block([b'{"type":"Polygon","coordinates":[[[', body.reshape(n, -1)], n)
