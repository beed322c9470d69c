"""Mapbox vector tiles from PostGIS: report points at street zooms, grid counts below."""

import hashlib
import math

from django.db import connection

from reports.map_selectors import MapFilters, map_reports_sql

EXTENT = 4096
BUFFER = 64
POINT_MIN_ZOOM = 10
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


def point_tile(*, reports, filters: MapFilters, z: int, x: int, y: int) -> bytes:
    """One MVT layer `reports`, one feature per report (id, reference, title, status...)."""
    from reports.map_selectors import map_filters_apply

    scoped = map_filters_apply(reports, _filters_for_tile(filters, z, x, y))
    inner, params = map_reports_sql(scoped, *POINT_COLUMNS)
    sql = f"""
        WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS env),
        features AS (
            SELECT ST_AsMVTGeom(ST_Transform(r.point, 3857), bounds.env, {EXTENT}, {BUFFER},
                                true) AS geom,
                   r.id, r.reference, r.title, r.status, r.urgent,
                   r.category__code AS category, r.category__name AS category_name,
                   to_char(r.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')
                     AS created
            FROM ({inner}) r, bounds
        )
        SELECT ST_AsMVT(features, 'reports', {EXTENT}, 'geom') FROM features
        WHERE geom IS NOT NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, (z, x, y, *params))
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
        return point_tile(reports=reports, filters=filters, z=z, x=x, y=y)
    if klasses and cells.cells_usable(filters):
        return cells.cells_count_tile(
            filters=filters, klasses=klasses, z=z, x=x, y=y, extent=EXTENT, buffer=BUFFER
        )
    return count_tile(reports=reports, filters=filters, z=z, x=x, y=y)


def tile_etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
