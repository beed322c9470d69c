"""Mapbox vector tiles from PostGIS: report points at street zooms, grid counts below."""

import hashlib
import math

from django.db import connection, transaction

from maps import point_cells
from maps.point_cells import EXTENT, FULL_DETAIL_ZOOM, POINT_MIN_ZOOM
from reports.map_selectors import MapFilters, map_reports_sql

BUFFER = 64
# Below POINT_MIN_ZOOM a tile is cut into GRID × GRID square cells and carries one counted point
# per non-empty cell: a few hundred features instead of up to a million points.
GRID = 64
MAX_ZOOM = 22
WEB_MERCATOR_HALF = 20037508.342789244

POINT_COLUMNS = (
    "id",
    "reference",
    "title",
    "status",
    "urgent",
    "category__code",
    "category__name",
    "point",
    "created_at",
)


class TileError(ValueError):
    pass


def tile_check(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise TileError(f"Mức thu phóng z phải từ 0 đến {MAX_ZOOM}.")
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise TileError("Chỉ số ô x, y nằm ngoài lưới ở mức thu phóng này.")


def tile_bbox_wgs84(z: int, x: int, y: int, margin: float = 0.0) -> tuple[float, ...]:
    """(west, south, east, north) of a slippy-map tile, grown by `margin` tile widths."""
    n = 2**z

    def lon(tx: float) -> float:
        return tx / n * 360.0 - 180.0

    def lat(ty: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))

    west, east = lon(x - margin), lon(x + 1 + margin)
    north, south = lat(max(y - margin, 0)), lat(min(y + 1 + margin, n))
    return (max(west, -180.0), max(south, -85.06), min(east, 180.0), min(north, 85.06))


def _filters_for_tile(filters: MapFilters, z: int, x: int, y: int) -> MapFilters:
    bbox = tile_bbox_wgs84(z, x, y, margin=BUFFER / EXTENT)
    return MapFilters(**{**filters.__dict__, "bbox": bbox})


def point_tile(
    *, reports, filters: MapFilters, z: int, x: int, y: int, klasses: tuple[str, ...] = ()
) -> bytes:
    """One MVT layer `reports`: id, reference, title, status, urgent, category, category_name,
    created; below FULL_DETAIL_ZOOM one feature per non-empty cell, with `count` when > 1.

    The cells come from the PointCell cache when it can answer (no category filter: the cache
    keeps every category together), else live from the reports in the tile.
    """
    from maps import cells
    from reports.map_selectors import map_filters_apply

    # `&&` on the tile's lon/lat box equals ST_Intersects for points, and keeps the planner's
    # cost estimate low (ST_Intersects on a polygon pushed it over jit_above_cost).
    scoped = map_filters_apply(reports, MapFilters(**{**filters.__dict__, "bbox": None}))
    inner, params = map_reports_sql(scoped, *POINT_COLUMNS)
    bbox = tile_bbox_wgs84(z, x, y, margin=BUFFER / EXTENT)
    if z >= FULL_DETAIL_ZOOM:
        picked = ""
        source = f"""SELECT r.*, 1 AS n FROM ({inner}) r
                     WHERE r.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"""
        source_params = (*params, *bbox)
    else:
        if klasses and not filters.categories and cells.cells_usable(filters):
            cell_sql, cell_params = point_cells.point_cells_cached_sql(z, x, y), (list(klasses),)
        else:
            narrow, narrow_params = map_reports_sql(scoped, "id", "point", "urgent", "created_at")
            cell_sql = point_cells.point_cells_live_sql(narrow, z)
            cell_params = (*narrow_params, *bbox)
        picked = f" picked AS MATERIALIZED ({cell_sql}),"
        # Each cell's report is read back through the user's scope (a cached pick hidden since
        # the refresh is dropped), by primary key: the planner cannot tell how few cells there
        # are and would otherwise scan every report in scope.
        source = f"""
            SELECT r.*, picked.n FROM picked
            CROSS JOIN LATERAL (SELECT * FROM ({inner}) q WHERE q.id = picked.id) r
        """
        source_params = (*cell_params, *params)
    sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS env),{picked}
        features AS (
            SELECT ST_AsMVTGeom(ST_Transform(r.point, 3857), bounds.env, {EXTENT}, {BUFFER},
                                true) AS geom,
                   r.id, r.reference, r.title, r.status, r.urgent,
                   r.category__code AS category, r.category__name AS category_name,
                   to_char(r.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')
                     AS created,
                   NULLIF(r.n, 1)::int AS count
            FROM ({source}) r, bounds
            ORDER BY r.id  -- the same tile, the same bytes: ETags stay valid
        )
        SELECT ST_AsMVT(features, 'reports', {EXTENT}, 'geom') FROM features
        WHERE geom IS NOT NULL
    """
    with transaction.atomic(), connection.cursor() as cursor:
        # JIT compiles for longer (0.1–1.3 s) than these queries run.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, (z, x, y, *source_params))
        return bytes(cursor.fetchone()[0] or b"")


def count_tile(*, reports, filters: MapFilters, z: int, x: int, y: int) -> bytes:
    """One MVT layer `counts`: a point per non-empty grid cell with its `count`."""
    from reports.map_selectors import map_filters_apply

    scoped = map_filters_apply(reports, _filters_for_tile(filters, z, x, y))
    inner, params = map_reports_sql(scoped, "point")
    cell = 2 * WEB_MERCATOR_HALF / 2**z / GRID
    sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS env),
        cells AS (
            SELECT floor(ST_X(m) / {cell}) AS cx, floor(ST_Y(m) / {cell}) AS cy,
                   count(*) AS n, avg(ST_X(m)) AS mx, avg(ST_Y(m)) AS my
            FROM (SELECT ST_Transform(r.point, 3857) AS m FROM ({inner}) r) p
            GROUP BY 1, 2
        ),
        features AS (
            SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(mx, my), 3857), bounds.env,
                                {EXTENT}, {BUFFER}, true) AS geom,
                   n::int AS count
            FROM cells, bounds
        )
        SELECT ST_AsMVT(features, 'counts', {EXTENT}, 'geom') FROM features
        WHERE geom IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (z, x, y, *params))
        return bytes(cursor.fetchone()[0] or b"")


def report_tile(
    *, reports, filters: MapFilters, z: int, x: int, y: int, klasses: tuple[str, ...] = ()
) -> bytes:
    """Points from z POINT_MIN_ZOOM; below, counts from the cell cache when it can answer
    (`klasses` says which visibility classes of the cache these reports are), else live."""
    from maps import cells

    tile_check(z, x, y)
    if z >= POINT_MIN_ZOOM:
        return point_tile(reports=reports, filters=filters, z=z, x=x, y=y, klasses=klasses)
    if klasses and cells.cells_usable(filters):
        return cells.cells_count_tile(
            filters=filters, klasses=klasses, z=z, x=x, y=y, extent=EXTENT, buffer=BUFFER
        )
    return count_tile(reports=reports, filters=filters, z=z, x=x, y=y)


def tile_etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
