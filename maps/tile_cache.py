"""A shared cache (Redis) of the public map's unfiltered point tiles, never stale.

Every public map reads the same tiles, and a street tile costs PostgreSQL tens of milliseconds
where Redis answers in one. A tile is kept under the version of the places it shows: the
markers that the database's triggers write, in the writing transaction, for every change of a
report or category (maps.sql.tile_cache). The version is read from the same database as the
tile and before it, so a tile is only ever kept under a version as old as its content or
older, and a report created, hidden, merged, moved or renamed changes the version of the tiles
around it: the next request misses and draws the tile again. Below full detail the cell cache's
refresh is part of the key too (a refresh changes the cells a tile shows).

Only the public scope without filters is kept: it is the same tile for everyone, and the
reports come from maps.selectors.map_public_reports as they do uncached. If Redis cannot be
reached the tile is drawn as if there were no cache.
"""

import functools
import logging
import math

from django.conf import settings
from django.core.cache import cache
from django.db import connections

from maps import cells, tiles
from maps.point_cells import CELL, EXTENT, FULL_DETAIL_ZOOM, POINT_MIN_ZOOM
from maps.selectors import MapFilters, map_public_reports
from maps.sql import tile_cache as sql

logger = logging.getLogger(__name__)

# Version of the key layout: bumped when a tile's bytes change for a reason the markers do
# not see (code, SQL), so a deployment never reads another release's tiles.
KEY_VERSION = 1
# How far beyond its edge (in tile widths) a tile's content may come from: its own buffer
# (tiles.BUFFER) and the cell cache's one-cell buffer, with room to spare.
REACH = 2 * CELL / EXTENT
NO_FILTERS = MapFilters()


def tile_cells(z: int, x: int, y: int) -> list[int]:
    """The marker cells a tile at (z, x, y) reads: those of the highest level ≤ z that its
    reach touches (at most 3 × 3), and 0, which every change to all tiles marks."""
    level = max(level for level in sql.LEVELS if level <= z)
    scale = 2 ** (level - z)
    last = 2**level - 1

    def span(first: int) -> range:
        low = math.floor((first - REACH) * scale)
        high = math.floor((first + 1 + REACH) * scale)
        return range(max(low, 0), min(high, last) + 1)

    return [0] + [(level << 42) + (cx << 21) + cy for cx in span(x) for cy in span(y)]


def tile_version(*, using: str, z: int, x: int, y: int) -> tuple[int, int]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql.VERSION, (tile_cells(z, x, y),))
        weight, last_xid = cursor.fetchone()
    return int(weight), int(last_xid)


def tile_key(*, z: int, x: int, y: int, version: tuple[int, int], refresh: int | None) -> str:
    # The primary's address names the data (a replica holds the same): two databases sharing
    # one Redis (a benchmark copy, a restored copy beside the live one) never share tiles.
    db = settings.DATABASES["default"]
    place = f"{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return (
        f"maps:tile:{KEY_VERSION}:{place}:public:{settings.TIME_ZONE}:{z}/{x}/{y}:"
        f"{version[0]}.{version[1]}:{refresh}"
    )


def tile_changes_fold() -> None:
    """One marker per cell instead of one per write: the versions stay what they were."""
    with connections["default"].cursor() as cursor:
        cursor.execute(sql.FOLD)


@functools.cache
def _public_reports():
    """map_public_reports(), built once per process (building it costs more than a cache hit).
    It is never evaluated, only compiled: its database (QuerySet.db, the router's choice for
    this request, replica or primary) is asked again each time."""
    return map_public_reports()


def public_tile(*, z: int, x: int, y: int) -> bytes:
    """The public map's tile without filters: from the cache when its version is there, else
    drawn by maps.tiles (and kept). Raises maps.errors.TileError off the grid."""
    tiles.tile_check(z, x, y)
    reports = _public_reports()

    def draw() -> bytes:
        return tiles.report_tile(
            reports=reports,
            filters=NO_FILTERS,
            z=z,
            x=x,
            y=y,
            klasses=cells.PUBLIC_KLASSES,
            sql_key="public",
        )

    if not settings.MAPS_TILE_CACHE or z < POINT_MIN_ZOOM:
        return draw()
    # The database these reports are read from (the replica, when there is one): the
    # markers come from the same one, so the version matches what the tile is drawn from.
    version = tile_version(using=reports.db, z=z, x=x, y=y)
    refresh = None if z >= FULL_DETAIL_ZOOM else cells.cells_refresh_id(NO_FILTERS)
    key = tile_key(z=z, x=x, y=y, version=version, refresh=refresh)
    try:
        data = cache.get(key)
    except Exception:  # noqa: BLE001 - Redis down: draw the tile as if uncached
        logger.warning("tile cache unavailable", exc_info=True)
        return draw()
    if data is not None:
        return data
    data = draw()
    try:
        cache.set(key, data, settings.MAPS_TILE_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("tile cache unavailable", exc_info=True)
    return data
