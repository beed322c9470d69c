"""In-process point → commune index: the subdivided pieces of the served provinces, per edition.

Answers what LOCATE_SQL / PROVINCE_COVERS_SQL would, without a round trip. Borders included:
GEOS decides which side of an edge a point lies on exactly, PostGIS in plain floating point,
so the two could differ within ~1e-13° of an edge; for a point within EDGE_EPS_DEG of a
piece's edge the index runs PostGIS's own test instead (postgis_covers), and the lowest
commune code wins among the pieces covering the point, as in the SQL's ORDER BY.

A point in a served province but in none of its communes (a sliver) is a Sliver: PostGIS
measures the nearest commune on the spheroid. It says "ask PostGIS" (None) for what it does
not hold: when other provinces are loaded, a point in none of the served ones (which province
it is in); two editions valid from the same day; a commune without its province.

Freshness: each process reads the token of migration 0003 at most every
BOUNDARIES_INDEX_CHECK_SECONDS (one single-row SELECT) and drops everything when it changed,
so a committed change to an edition, unit or piece is seen within that bound. Pieces of an
edition are loaded on its first lookup. GEOS prepared geometries are not thread-safe: one lock
serialises lookups (uncontended in sync gunicorn workers).
"""

import itertools
import math
import platform
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from boundaries.sql import (
    INDEX_EDITIONS_SQL,
    INDEX_HIERARCHY_SQL,
    INDEX_OTHER_PROVINCES_SQL,
    INDEX_PIECES_SQL,
    INDEX_VERSION_SQL,
)

# Pieces fetched per query when an edition loads: a worker's memory grows by less than with
# one result holding every piece at once (~8 MB less for Điện Biên).
PIECES_BATCH = 100
# Degrees (~0.1 mm): far above the ~1e-13° where floating-point side tests can differ.
EDGE_EPS_DEG = 1e-9
# Python floats repeat PostGIS's side test bit for bit where the C compiler cannot fuse a*b - c*d
# into one rounding (FMA): x86-64 builds of PostGIS. Elsewhere, edge points go to PostGIS.
SAME_FLOATS = platform.machine().lower() in ("x86_64", "amd64")
# Little-endian WKB of a polygon of one ring of five points.
_SQUARE_WKB = struct.Struct("<BIII10d")


@dataclass(frozen=True)
class Contains:
    """The point is in this commune: `row` has LOCATE_SQL's columns."""

    row: tuple


@dataclass(frozen=True)
class Sliver:
    """The point is in a served province of this edition but in none of its communes."""

    edition_id: int


@dataclass(frozen=True)
class NoEdition:
    """No edition is valid on that day."""


@dataclass(frozen=True)
class Outside:
    """The point is in no served commune, no served province and no other loaded province."""


NO_EDITION = NoEdition()
OUTSIDE = Outside()
Decision = Contains | Sliver | NoEdition | Outside | None


class _Pieces:
    """Prepared polygons (GeoDjango's GEOS, without numpy or shapely in a web worker) behind a
    grid of their bounding boxes. A lookup probes with the square of side 2 × EDGE_EPS_DEG
    around the point: a piece covering the square covers the point for PostGIS too, one
    missing it does not; one the square straddles the edge of gets PostGIS's own test.

    A piece is kept as its WKB until a lookup first meets its box: GEOS's own copy of every
    piece would weigh twice as much (~5 MiB for Điện Biên), mostly for pieces no lookup of
    this process ever reaches."""

    def __init__(self, wkbs: list[bytes], boxes: list[tuple], keys: list):
        self.keys = keys
        self.wkbs = wkbs
        self.boxes = boxes
        self._geoms: dict[int, tuple] = {}
        # Cells about the size of a typical piece: a point meets a handful of boxes.
        widths = sorted(max(b[2] - b[0], b[3] - b[1]) for b in boxes)
        self.cell = max(widths[len(widths) // 2], 1e-6)
        self.grid: dict[tuple[int, int], list[int]] = {}
        for number, (xmin, ymin, xmax, ymax) in enumerate(boxes):
            for cx in range(self._at(xmin), self._at(xmax) + 1):
                for cy in range(self._at(ymin), self._at(ymax) + 1):
                    self.grid.setdefault((cx, cy), []).append(number)

    def _geom(self, number: int) -> tuple:
        """The piece and its prepared form."""
        if number not in self._geoms:
            geom = GEOSGeometry(memoryview(self.wkbs[number]))
            self._geoms[number] = (geom, geom.prepared)
        return self._geoms[number]

    def _at(self, value: float) -> int:
        return math.floor(value / self.cell)

    def _near(self, x: float, y: float) -> list[int]:
        """Pieces whose box meets the probe's, as an STRtree query would find them."""
        eps = EDGE_EPS_DEG
        cells = {
            (cx, cy)
            for cx in (self._at(x - eps), self._at(x + eps))
            for cy in (self._at(y - eps), self._at(y + eps))
        }
        found = []
        for cell in cells:
            for number in self.grid.get(cell, ()):
                xmin, ymin, xmax, ymax = self.boxes[number]
                if xmin <= x + eps and x - eps <= xmax and ymin <= y + eps and y - eps <= ymax:
                    found.append(number)
        return sorted(set(found)) if len(cells) > 1 else found

    def covering(self, probe, x: float, y: float) -> list | None:
        """Keys of the pieces PostGIS's ST_Covers finds, or None when it is not certain."""
        covering = []
        for number in self._near(x, y):
            geom, prepared = self._geom(number)
            if prepared.covers(probe):
                covering.append(self.keys[number])
            elif prepared.intersects(probe):  # the probe straddles this piece's edge
                if not SAME_FLOATS:
                    return None
                answer = postgis_covers(geom.coords, x, y)
                if answer is None:
                    return None
                if answer:
                    covering.append(self.keys[number])
        return covering


def _point_in_ring(ring, x: float, y: float) -> int | None:
    """PostGIS 3.3's point_in_ring (lwgeom_functions_analytic.c), the same float operations in
    the same order: -1 outside, 0 on the ring, 1 inside; None on a segment shorter than the
    1e-12 its cached variant ignores (where the two variants could differ)."""
    crossings = 0
    on_ring = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy
        if length2 == 0:
            continue
        if length2 < 1e-24:
            return None
        side = dx * (y - y1) - (x - x1) * dy
        if side == 0.0 and (x1 <= x <= x2 or x2 <= x <= x1) and (y1 <= y <= y2 or y2 <= y <= y1):
            on_ring = True
        elif y1 <= y < y2 and side > 0:
            crossings += 1
        elif y2 <= y < y1 and side < 0:
            crossings -= 1
    if on_ring:
        return 0
    return -1 if crossings == 0 else 1


def postgis_covers(rings, x: float, y: float) -> bool | None:
    """ST_Covers(polygon, point) as PostGIS 3.3 decides it (point_in_polygon); `rings` are a
    polygon's coordinates, exterior first."""
    result = None
    for number, ring in enumerate(rings):
        inside = _point_in_ring(ring, x, y)
        if inside is None:
            return None
        if number == 0:
            if inside == -1:
                return False
            result = inside
        elif inside == 1:
            return False
        elif inside == 0:
            return True
    return result != -1


@dataclass
class _EditionIndex:
    communes: _Pieces | None
    provinces: _Pieces | None
    hierarchy: dict[int, tuple]
    other_provinces: bool


def _fetch(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _load_edition(edition_id: int, served: list[str]) -> _EditionIndex:
    params = {"edition": edition_id, "served": served, "after": 0, "batch": PIECES_BATCH}
    by_level: dict[str, tuple[list, list, list]] = {
        "commune": ([], [], []),
        "province": ([], [], []),
    }
    while rows := _fetch(INDEX_PIECES_SQL, params):
        for _, level, unit_id, unit_code, wkb, *box in rows:
            wkbs, boxes, keys = by_level[level]
            wkbs.append(bytes(wkb))
            boxes.append(tuple(box))
            keys.append((unit_code, unit_id))
        params["after"] = rows[-1][0]
    hierarchy = {row[0]: row for row in _fetch(INDEX_HIERARCHY_SQL, params)}
    other = _fetch(INDEX_OTHER_PROVINCES_SQL, params)[0][0]

    def pieces(level: str) -> _Pieces | None:
        wkbs, boxes, keys = by_level[level]
        return _Pieces(wkbs, boxes, keys) if wkbs else None

    return _EditionIndex(pieces("commune"), pieces("province"), hierarchy, other)


def _probe(x: float, y: float) -> GEOSGeometry:
    """The square of side 2 × EDGE_EPS_DEG around the point, read from WKB (one GEOS call)."""
    eps = EDGE_EPS_DEG
    west, south, east, north = x - eps, y - eps, x + eps, y + eps
    wkb = _SQUARE_WKB.pack(
        1, 3, 1, 5, west, south, east, south, east, north, west, north, west, south
    )
    return GEOSGeometry(memoryview(wkb))


@dataclass
class _Snapshot:
    token: int | None
    served: tuple[str, ...]
    # (valid_from, id, valid_to), newest first, as EDITION_AT_SQL orders them.
    editions: list[tuple]
    checked_at: float
    by_edition: dict[int, _EditionIndex] = field(default_factory=dict)
    edition_on: dict[date, int | None] = field(default_factory=dict)

    def edition_for(self, at: date) -> int | None:
        """The id EDITION_AT_SQL picks; -1 when two editions tie (PostgreSQL picks either)."""
        if at not in self.edition_on:
            valid = [e for e in self.editions if e[0] <= at and (e[2] is None or e[2] >= at)]
            if not valid:
                chosen = None
            elif len(valid) > 1 and valid[1][0] == valid[0][0]:
                chosen = -1
            else:
                chosen = valid[0][1]
            self.edition_on[at] = chosen
        return self.edition_on[at]


_lock = threading.RLock()
_snapshot: _Snapshot | None = None


def _current() -> _Snapshot:
    """The snapshot for this lookup, rebuilt when the token moved (called under _lock)."""
    global _snapshot
    snapshot = _snapshot
    now = time.monotonic()
    served = tuple(settings.BOUNDARIES_SERVED_PROVINCES)
    if (
        snapshot is not None
        and snapshot.served == served
        and now - snapshot.checked_at < settings.BOUNDARIES_INDEX_CHECK_SECONDS
    ):
        return snapshot
    rows = _fetch(INDEX_VERSION_SQL)
    token = rows[0][0] if rows else None
    if snapshot is None or snapshot.token != token or snapshot.served != served:
        # The token is read first: data read after it is at least as new.
        editions = sorted(
            (
                (valid_from, pk, valid_to)
                for pk, _, valid_from, valid_to in _fetch(INDEX_EDITIONS_SQL)
            ),
            key=lambda e: e[0],
            reverse=True,
        )
        snapshot = _Snapshot(token=token, served=served, editions=editions, checked_at=now)
    else:
        snapshot.checked_at = now
    _snapshot = snapshot
    return snapshot


def index_locate(*, lon: float, lat: float, at: date) -> Decision:
    """What the PostGIS path would answer for this point on that day, or None to ask it."""
    with _lock:
        snapshot = _current()
        edition_id = snapshot.edition_for(at)
        if edition_id is None:
            return NO_EDITION
        if edition_id < 0:
            return None
        index = snapshot.by_edition.get(edition_id)
        if index is None:
            index = _load_edition(edition_id, list(snapshot.served))
            snapshot.by_edition[edition_id] = index
        probe = _probe(lon, lat)
        if index.communes is not None:
            hits = index.communes.covering(probe, lon, lat)
            if hits is None:
                return None
            if hits:
                row = index.hierarchy.get(min(hits)[1])
                return Contains(row) if row is not None else None
        if index.provinces is not None:
            hits = index.provinces.covering(probe, lon, lat)
            if hits is None:
                return None
            if hits:  # only served provinces are loaded
                return Sliver(edition_id)
        return None if index.other_provinces else OUTSIDE
