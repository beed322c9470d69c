"""Bulk point → commune join: many points at once (e.g. every report when an edition changes).

The same answer, point by point, as the plain join over the raw commune polygons
(`ST_Covers(unit.geom, point)`, the lowest commune code on a shared border, none in a sliver),
several times faster in either order of the points. PostgreSQL sends the points as two
strings of binary values (ids, EWKB); here, vectorised over numpy arrays, each of the
edition's subdivided pieces (≤ 192 vertices, prepared by GEOS) tests the points of the grid
cells its box meets. No Python loop runs over points, one runs over pieces.

Exactness: GEOS and PostGIS decide a point's side of an edge in different floating-point
operations, so they can only disagree within ~1e-13° of an edge (and ST_Subdivide's cut lines
are rounded as finely). Every piece is grown and shrunk by EDGE_EPS_DEG (mitred buffers: the
grown one holds every point within that distance, the shrunk one none): a point inside a
shrunk piece is in that commune, one outside a grown piece is not, and a point between the
two for any piece is sent to PostGIS, which decides it on the raw polygons
(BULK_RAW_COVERS_SQL). tests/boundaries/test_bulk_join.py compares every answer with the
plain join, borders, junctions, cut lines and slivers included.
"""

from dataclasses import dataclass

import numpy as np
import psycopg
import shapely
from django.db import connections
from psycopg import sql as pg_sql

from boundaries.sql import BULK_PIECES_SQL, BULK_POINTS_SQL, BULK_RAW_COVERS_SQL

# Degrees (~0.1 mm): far above the ~1e-13° where floating-point side tests can differ.
EDGE_EPS_DEG = 1e-9
# Grid cells per side of the points' extent: a piece tests the points of the cells its box
# meets.
GRID_CELLS = 512


@dataclass(frozen=True)
class Points:
    """A relation holding the points: table (or view) name, id column, point column."""

    table: str
    id_column: str = "id"
    geom_column: str = "geom"


@dataclass(frozen=True)
class BulkJoin:
    """Each point's id and its commune's id (0: no commune covers it, or an empty point);
    `postgis_checked` points were decided by PostGIS."""

    ids: np.ndarray
    commune_ids: np.ndarray
    postgis_checked: int


# A 2D point's little-endian EWKB with its SRID: byte order, type, SRID, x, y.
_EWKB_POINT = np.dtype(
    [("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")]
)
_EWKB_POINT_TYPE = 0x20000001


def _points_fetch(cursor, points: Points) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    statement = pg_sql.SQL(BULK_POINTS_SQL).format(
        id=pg_sql.Identifier(points.id_column),
        geom=pg_sql.Identifier(points.geom_column),
        points=pg_sql.Identifier(*points.table.split(".")),
    )
    cursor.execute(statement, binary=True)  # bytea as bytes, not hex
    ids, ewkb = cursor.fetchone()
    if ids is None:
        empty = np.zeros(0)
        return empty.astype(np.int64), empty, empty
    ids = np.frombuffer(ids, dtype=">i8").astype(np.int64)
    if len(ewkb) != len(ids) * _EWKB_POINT.itemsize:
        raise ValueError(f"{points.table}.{points.geom_column} must hold 2D points with an SRID")
    rows = np.frombuffer(ewkb, dtype=_EWKB_POINT)
    if not ((rows["order"] == 1) & (rows["type"] == _EWKB_POINT_TYPE)).all():
        raise ValueError(f"{points.table}.{points.geom_column} must hold 2D points with an SRID")
    return ids, rows["x"].copy(), rows["y"].copy()


class _Pieces:
    """The edition's commune pieces in a box: grown and shrunk, prepared, on a grid."""

    def __init__(self, cursor, *, edition_id: int, box: tuple[float, float, float, float]):
        xmin, ymin, xmax, ymax = box
        cursor.execute(
            BULK_PIECES_SQL,
            {"edition": edition_id, "xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax},
        )
        rows = cursor.fetchall()
        self.unit_ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.ranks = np.array([r[1] for r in rows], dtype=np.int64)
        geoms = shapely.from_wkb([bytes(r[2]) for r in rows])
        # Mitred: the grown piece holds every point within EDGE_EPS_DEG, the shrunk one only
        # points at least that far inside.
        style = {"quad_segs": 1, "join_style": "mitre", "mitre_limit": 10.0}
        self.grown = shapely.buffer(geoms, EDGE_EPS_DEG, **style)
        self.shrunk = shapely.buffer(geoms, -EDGE_EPS_DEG, **style)
        shapely.prepare(self.grown)
        shapely.prepare(self.shrunk)
        self.bounds = shapely.bounds(self.grown).reshape(-1, 4)

    def decide(self, xs: np.ndarray, ys: np.ndarray, box) -> tuple[np.ndarray, np.ndarray]:
        """Per point: the lowest rank of a piece surely covering it (0: none), and whether
        some piece is too close to call. Points are sorted by grid cell, so the points in the
        cells a piece's box meets are a few runs of that order, one per row of cells."""
        origin = np.array(box[:2])
        cell = max(box[2] - box[0], box[3] - box[1], 1e-6) / GRID_CELLS * (1 + 1e-9)
        # Points are finite and inside the box: truncation is the floor, within the grid.
        ix = ((xs - origin[0]) * (1 / cell)).astype(np.int32)
        iy = ((ys - origin[1]) * (1 / cell)).astype(np.int32)
        cells = iy * GRID_CELLS + ix
        # Two stable passes on 16-bit halves: numpy radix-sorts 16-bit keys, in linear time.
        low = np.argsort((cells & 0xFFFF).astype(np.uint16), kind="stable")
        by_cell = low[np.argsort((cells >> 16).astype(np.uint16)[low], kind="stable")]
        start = np.zeros(GRID_CELLS * GRID_CELLS + 1, dtype=np.int64)
        np.cumsum(np.bincount(cells, minlength=GRID_CELLS * GRID_CELLS), out=start[1:])
        sx, sy = xs[by_cell], ys[by_cell]
        lo = np.clip((self.bounds[:, :2] - origin) // cell, 0, GRID_CELLS - 1).astype(np.int64)
        hi = np.clip((self.bounds[:, 2:] - origin) // cell, 0, GRID_CELLS - 1).astype(np.int64)
        # Every piece's candidates at once, grouped by piece: the runs of cells of its rows.
        nrows = hi[:, 1] - lo[:, 1] + 1
        piece = np.repeat(np.arange(len(nrows)), nrows)
        row = lo[piece, 1] + np.arange(len(piece)) - np.repeat(np.cumsum(nrows) - nrows, nrows)
        first = start[row * GRID_CELLS + lo[piece, 0]]
        length = start[row * GRID_CELLS + hi[piece, 0] + 1] - first
        at = np.arange(int(length.sum())) + np.repeat(first - (np.cumsum(length) - length), length)
        owner = np.repeat(piece, length)
        px, py = sx[at], sy[at]
        x0, y0, x1, y1 = (np.repeat(self.bounds[piece, i], length) for i in range(4))
        boxed = (x0 <= px) & (px <= x1) & (y0 <= py) & (py <= y1)
        at, owner, px, py = at[boxed], owner[boxed], px[boxed], py[boxed]
        contains_xy = shapely.contains_xy
        inner = contains_xy(self.shrunk[owner], px, py)
        best = np.full(len(xs), np.iinfo(np.int64).max)
        np.minimum.at(best, at[inner], self.ranks[owner[inner]])
        best[best == np.iinfo(np.int64).max] = 0
        rest = ~inner
        unsure = np.zeros(len(xs), dtype=bool)
        near = contains_xy(self.grown[owner[rest]], px[rest], py[rest])
        unsure[at[rest][near]] = True
        rank = np.empty_like(best)
        rank[by_cell] = best
        checked = np.empty_like(unsure)
        checked[by_cell] = unsure
        return rank, checked


def points_communes_join(*, points: Points, edition_id: int, using: str = "default") -> BulkJoin:
    """The commune of every point of `points` in the edition, as the raw polygons decide it."""
    connection = connections[using]
    connection.ensure_connection()
    # psycopg's own cursor on Django's connection: composed identifiers, binary results.
    with psycopg.Cursor(connection.connection) as cursor:
        ids, xs, ys = _points_fetch(cursor, points)
        commune_ids = np.zeros_like(ids)
        # An empty point (NaN coordinates) is in no commune.
        finite = np.isfinite(xs) & np.isfinite(ys)
        if not finite.all():
            ids, xs, ys = (np.concatenate([v[finite], v[~finite]]) for v in (ids, xs, ys))
            xs, ys = xs[: finite.sum()], ys[: finite.sum()]
        if not len(xs):
            return BulkJoin(ids=ids, commune_ids=commune_ids, postgis_checked=0)
        box = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
        pieces = _Pieces(cursor, edition_id=edition_id, box=box)
        rank, checked = pieces.decide(xs, ys, box)
        by_rank = np.zeros(int(pieces.ranks.max(initial=0)) + 1, dtype=np.int64)
        by_rank[pieces.ranks] = pieces.unit_ids
        commune_ids[: len(rank)] = by_rank[rank]
        asked = np.flatnonzero(checked)
        if len(asked):
            commune_ids[asked] = 0
            x, y = xs[asked], ys[asked]
            cursor.execute(
                BULK_RAW_COVERS_SQL,
                {
                    "edition": edition_id,
                    "i": asked.tolist(),
                    "x": x.tolist(),
                    "y": y.tolist(),
                    "xmin": float(x.min()),
                    "ymin": float(y.min()),
                    "xmax": float(x.max()),
                    "ymax": float(y.max()),
                },
            )
            found = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)
            commune_ids[found[:, 0]] = found[:, 1]
    return BulkJoin(ids=ids, commune_ids=commune_ids, postgis_checked=len(asked))
