"""Hexagon grid in the metric CRS, laid out exactly like PostGIS ST_HexagonGrid / ST_Hexagon.

PostGIS hexagons are flat-topped, columns i at x = 1.5·size·i, odd columns shifted up by half a
hexagon height, origin (0, 0). Binning a point arithmetically (nearest centre among the two
candidate columns) gives the same (i, j) as intersecting it with ST_HexagonGrid, without a
spatial join, so aggregating a million points is one sequential GROUP BY.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import connection

from boundaries.selectors import unit_list

SQRT3 = 3**0.5
# Cell size (hexagon edge, metres) by web-map zoom: about 20–40 screen pixels per cell.
ZOOM_SIZES = ((7, 8000), (8, 4000), (9, 2000), (10, 1000), (11, 500), (12, 250))
MIN_SIZE, MAX_SIZE = 100, 20000


def size_for_zoom(zoom: int) -> int:
    for max_zoom, size in ZOOM_SIZES:
        if zoom <= max_zoom:
            return size
    return ZOOM_SIZES[-1][1]


def metric_srid() -> int:
    return settings.BOUNDARIES_METRIC_SRID


def bin_sql(points_sql: str, size: float) -> str:
    """SELECT i, j, <other columns> FROM the points subquery, which must expose `g` (metric)."""
    h = size * SQRT3
    col = 1.5 * size
    # Two candidate columns; the nearer centre wins (hexagons are the Voronoi cells of centres).
    return f"""
SELECT CASE WHEN da <= db THEN ia ELSE ia + 1 END AS i,
       CASE WHEN da <= db THEN ja ELSE jb END AS j, q.*
FROM (
  SELECT c.*,
         power(x - {col} * ia, 2) + power(y - {h} * ja - {h / 2} * mod(abs(ia), 2), 2) AS da,
         power(x - {col} * (ia + 1), 2)
           + power(y - {h} * jb - {h / 2} * mod(abs(ia + 1), 2), 2) AS db
  FROM (
    SELECT b.*,
           round((y - {h / 2} * mod(abs(ia), 2)) / {h})::int AS ja,
           round((y - {h / 2} * mod(abs(ia + 1), 2)) / {h})::int AS jb
    FROM (
      SELECT p.*, ST_X(p.g) AS x, ST_Y(p.g) AS y, floor(ST_X(p.g) / {col})::int AS ia
      FROM ({points_sql}) p
    ) b
  ) c
) q
"""


def cell_centres(i: np.ndarray, j: np.ndarray, size: float) -> tuple[np.ndarray, np.ndarray]:
    h = size * SQRT3
    return 1.5 * size * i, h * j + h / 2 * (np.abs(i) % 2)


@dataclass(frozen=True)
class StudyArea:
    """Every cell of the grid that touches the province, and its binary contiguity weights."""

    size: float
    i: np.ndarray
    j: np.ndarray
    index: dict
    neighbours: object  # scipy.sparse.csr_matrix, self included (Gi*)


@lru_cache(maxsize=16)
def _study_area(edition_id: int, province_code: str, size: float) -> StudyArea:
    from scipy import sparse
    from scipy.spatial import cKDTree

    # Per subdivided commune part (small, simple polygons), not the whole province outline:
    # 20x faster at 500 m cells.
    sql = """
        SELECT DISTINCT h.i, h.j
        FROM boundaries_adminunitpart p,
             LATERAL (SELECT ST_Transform(p.geom, %(srid)s) AS g) t,
             LATERAL ST_HexagonGrid(%(size)s, t.g) h
        WHERE p.edition_id = %(edition)s AND p.level = 'commune'
          AND p.province_code = %(code)s AND ST_Intersects(h.geom, t.g)
        ORDER BY 1, 2
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql, {"size": size, "srid": metric_srid(), "edition": edition_id, "code": province_code}
        )
        rows = cursor.fetchall()
    ij = np.array(rows, dtype=np.int64).reshape(-1, 2)
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


def study_area(*, size: float, province_code: str | None = None) -> StudyArea:
    code = province_code or settings.BOUNDARIES_SERVED_PROVINCES[0]
    province = unit_list(level="province", province_code=code).select_related(None).first()
    if province is None:
        raise ValueError("Chưa có ranh giới tỉnh để dựng lưới lục giác.")
    return _study_area(province.edition_id, code, float(size))


def hex_aggregate(*, reports_sql: str, params: tuple, size: float) -> list[tuple]:
    """(i, j, count, total age in days) per cell for the reports SQL (columns point, created_at)."""
    srid = metric_srid()
    points = f"SELECT ST_Transform(r.point, {srid}) AS g, r.created_at FROM ({reports_sql}) r"
    sql = f"""
        SELECT i, j, count(*) AS n,
               sum(EXTRACT(EPOCH FROM (now() - created_at)) / 86400.0) AS age_days
        FROM ({bin_sql(points, size)}) binned
        GROUP BY i, j
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def hex_geometries_sql(size: float) -> str:
    """GeoJSON (WGS 84) of cell (i, j) from ST_Hexagon, with 6 decimals."""
    return (
        f"ST_AsGeoJSON(ST_Transform(ST_Hexagon({float(size)}, i, j, "
        f"ST_SetSRID(ST_MakePoint(0, 0), {metric_srid()})), 4326), 6)"
    )


def hex_features(cells: list[dict], size: float) -> list[dict]:
    """GeoJSON features for cells given as dicts with `i`, `j` and properties."""
    if not cells:
        return []
    i = [int(c["i"]) for c in cells]
    j = [int(c["j"]) for c in cells]
    sql = f"SELECT {hex_geometries_sql(size)} FROM unnest(%s::int[], %s::int[]) AS t(i, j)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [i, j])
        geometries = [row[0] for row in cursor.fetchall()]
    import json

    return [
        {"type": "Feature", "geometry": json.loads(g), "properties": props}
        for g, props in zip(geometries, cells, strict=True)
    ]
