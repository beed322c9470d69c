"""Mapbox vector tiles from PostGIS: report points at street zooms, grid counts below."""

import hashlib
import math

from django.conf import settings
from django.db import connections, transaction
from django.utils.translation import gettext as _

from maps import cells, point_cells
from maps.errors import TileError
from maps.point_cells import EXTENT, FULL_DETAIL_ZOOM, POINT_MIN_ZOOM
from maps.selectors import MapFilters, map_filters_apply, map_reports_sql
from maps.sql import tiles as sql

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


def tile_check(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM:
        raise TileError(_("Mức thu phóng z phải từ 0 đến %(max)s.") % {"max": MAX_ZOOM})
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise TileError(_("Chỉ số ô x, y nằm ngoài lưới ở mức thu phóng này."))


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


NARROW_COLUMNS = ("id", "point", "urgent", "created_at")
# Compiled SELECTs of a queryset the caller names (sql_key) by what it is, the same in every
# request (maps.tile_cache: the public reports, unfiltered): Django compiles one in ~1 ms.
_COMPILED: dict[tuple, tuple[str, tuple]] = {}


def _compiled(scoped, columns: tuple[str, ...], sql_key: str | None) -> tuple[str, tuple]:
    if sql_key is None:
        return map_reports_sql(scoped, *columns)
    key = (sql_key, columns)
    if key not in _COMPILED:
        _COMPILED[key] = map_reports_sql(scoped, *columns)
    return _COMPILED[key]


def _jit_off(connection) -> bool:
    """Whether the server already plans without JIT (scripts/setup.sh turns it off for the
    whole server): asked once per connection, it spares each tile a transaction and a SET
    (three round trips)."""
    connection.ensure_connection()
    raw = id(connection.connection)
    known = getattr(connection, "_maps_jit_off", None)
    if known is None or known[0] != raw:
        with connection.cursor() as cursor:
            cursor.execute(sql.JIT_IS_OFF)
            known = (raw, cursor.fetchone()[0])
        connection._maps_jit_off = known
    return known[1]


def point_tile(
    *,
    reports,
    filters: MapFilters,
    z: int,
    x: int,
    y: int,
    klasses: tuple[str, ...] = (),
    sql_key: str | None = None,
) -> bytes:
    """One MVT layer `reports`: id, reference, title, status, urgent, category, category_name,
    created; below FULL_DETAIL_ZOOM one feature per non-empty cell, with `count` when > 1.

    The cells come from the PointCell cache when it can answer (no category filter: the cache
    keeps every category together), else live from the reports in the tile. `sql_key` names
    `reports` with `filters` (the same SQL in every call under that name), so they are
    compiled once per process.
    """
    scoped = map_filters_apply(reports, MapFilters(**{**filters.__dict__, "bbox": None}))
    inner, params = _compiled(scoped, POINT_COLUMNS, sql_key)
    bbox = tile_bbox_wgs84(z, x, y, margin=BUFFER / EXTENT)
    features = (EXTENT, BUFFER, settings.TIME_ZONE)
    if z >= FULL_DETAIL_ZOOM:
        query = sql.POINT_TILE_SQL.format(reports=inner)
        query_params = (z, x, y, *features, *params, *bbox, EXTENT)
    else:
        if klasses and not filters.categories and cells.cells_usable(filters):
            cell_sql, cell_params = point_cells.point_cells_cached(z=z, x=x, y=y, klasses=klasses)
        else:
            narrow, narrow_params = _compiled(scoped, NARROW_COLUMNS, sql_key)
            cell_sql, cell_params = point_cells.point_cells_live(
                narrow, narrow_params, z=z, bbox=bbox
            )
        query = sql.POINT_CELL_TILE_SQL.format(cells=cell_sql, reports=inner)
        query_params = (z, x, y, *cell_params, *features, *params, EXTENT)
    # The database the ORM reads these reports from (the replica for public tiles).
    connection = connections[scoped.db]
    if _jit_off(connection):
        with connection.cursor() as cursor:
            cursor.execute(query, query_params)
            return bytes(cursor.fetchone()[0] or b"")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(sql.JIT_OFF)
        cursor.execute(query, query_params)
        return bytes(cursor.fetchone()[0] or b"")


def count_tile(*, reports, filters: MapFilters, z: int, x: int, y: int) -> bytes:
    """One MVT layer `counts`: a point per non-empty grid cell with its `count`."""
    scoped = map_filters_apply(reports, _filters_for_tile(filters, z, x, y))
    inner, params = map_reports_sql(scoped, "point")
    cell = 2 * WEB_MERCATOR_HALF / 2**z / GRID
    with connections[scoped.db].cursor() as cursor:
        cursor.execute(
            sql.COUNT_TILE_SQL.format(reports=inner),
            (z, x, y, cell, cell, *params, EXTENT, BUFFER, EXTENT),
        )
        return bytes(cursor.fetchone()[0] or b"")


def report_tile(
    *,
    reports,
    filters: MapFilters,
    z: int,
    x: int,
    y: int,
    klasses: tuple[str, ...] = (),
    sql_key: str | None = None,
) -> bytes:
    """Points from z POINT_MIN_ZOOM; below, counts from the cell cache when it can answer
    (`klasses` says which visibility classes of the cache these reports are), else live."""
    tile_check(z, x, y)
    if z >= POINT_MIN_ZOOM:
        return point_tile(
            reports=reports, filters=filters, z=z, x=x, y=y, klasses=klasses, sql_key=sql_key
        )
    if klasses and cells.cells_usable(filters):
        return cells.cells_count_tile(
            filters=filters, klasses=klasses, z=z, x=x, y=y, extent=EXTENT, buffer=BUFFER
        )
    return count_tile(reports=reports, filters=filters, z=z, x=x, y=y)


def tile_etag(data: bytes) -> str:
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
