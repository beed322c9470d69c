"""Bulk join of N random points in Điện Biên: the product's path (boundaries/bulk.py, the
subdivided pieces) against the plain join over the raw commune polygons, in one run,
alternating, with the points in random order and clustered on their spatial index.
Both must give every point the same commune; the bench checks it on every point.
"""

import os
import statistics
import time

import numpy as np
from django.db import connections

from boundaries.bulk import Points, points_communes_join

# The plain join over the raw polygons as PostgreSQL plans it (the communes outside, each
# probing the points' GiST index), every point's commune handed to Python like the product's.
# A point on a shared border goes to the lowest commune code in both.
RAW_JOIN = """
    SELECT array_send(array_agg(pt.id::bigint)), array_send(array_agg(unit.id)),
           array_send(array_agg(unit.code::bigint))
    FROM bench_points pt
    JOIN boundaries_adminunit unit ON ST_Covers(unit.geom, pt.geom)
    WHERE unit.level = 'commune' AND unit.edition_id = %(edition)s
"""
# For comparison only (--sql-plans): the pieces joined in SQL piece by piece (each probing
# the points' index; counts only), and as the planner would (a piece probe per point).
SQL_PLANS = {
    "pieces in SQL, CROSS JOIN LATERAL per piece (count only)": """
        SELECT sum(hits.n) FROM boundaries_adminunitpart part
        CROSS JOIN LATERAL (
            SELECT count(*) AS n FROM bench_points pt WHERE ST_Covers(part.geom, pt.geom)
        ) hits
        WHERE part.level = 'commune' AND part.edition_id = %(edition)s
    """,
    "pieces in SQL, the planner's plan (count only)": """
        SELECT count(*) FROM bench_points pt
        JOIN boundaries_adminunitpart part ON ST_Covers(part.geom, pt.geom)
        WHERE part.level = 'commune' AND part.edition_id = %(edition)s
    """,
}
POINTS = Points("bench_points")


def _backend_cpu(pid: int) -> float:
    """utime + stime (s) of a PostgreSQL backend on this machine."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def line(label: str, value: str) -> None:
    print(f"  {label:<58} {value}")


def _values(data: bytes, kind: str) -> np.ndarray:
    # array_send: 20-byte header, then (length, value) per element, big-endian.
    rows = np.frombuffer(data, dtype=[("n", ">i4"), ("v", ">" + kind)], offset=20)
    return rows["v"].astype(kind)


def raw_join(cursor, edition_id: int) -> tuple[np.ndarray, np.ndarray]:
    """(point ids, commune ids) of the covered points, sorted by point id."""
    cursor.execute(RAW_JOIN, {"edition": edition_id})
    ids, units, codes = (_values(v, "i8") for v in cursor.fetchone())
    order = np.lexsort((codes, ids))
    first = np.r_[True, np.diff(ids[order]) != 0]
    return ids[order][first], units[order][first]


def in_id_order(joined) -> tuple[tuple[np.ndarray, np.ndarray], int]:
    """The product's answer as raw_join's (for the comparison, outside the timed part)."""
    order = np.argsort(joined.ids, kind="stable")
    ids, communes = joined.ids[order], joined.commune_ids[order]
    covered = communes > 0
    return (ids[covered], communes[covered]), joined.postgis_checked


def _points_table(cursor, points: int) -> None:
    cursor.execute("SELECT to_regclass('bench_points') IS NOT NULL")
    if cursor.fetchone()[0]:
        cursor.execute("SELECT count(*) FROM bench_points")
        if cursor.fetchone()[0] != points:
            cursor.execute("DROP TABLE bench_points")
    cursor.execute("SELECT to_regclass('bench_points') IS NOT NULL")
    if not cursor.fetchone()[0]:
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_points AS "
            "SELECT g.path[1] AS id, g.geom FROM boundaries_adminunit u, "
            "ST_Dump(ST_GeneratePoints(u.geom, %s, 42)) g "
            "WHERE u.level = 'province' AND u.code = '11'",
            [points],
        )
    cursor.execute("CREATE INDEX IF NOT EXISTS bench_points_geom ON bench_points USING gist (geom)")


def _reorder(cursor, order: str) -> None:
    if order == "random order":
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_points_shuffled AS "
            "SELECT * FROM bench_points ORDER BY md5(id::text)"
        )
        cursor.execute("TRUNCATE bench_points")
        cursor.execute("INSERT INTO bench_points SELECT * FROM bench_points_shuffled")
        cursor.execute("DROP TABLE bench_points_shuffled")
    else:
        cursor.execute("CLUSTER bench_points USING bench_points_geom")
    cursor.execute("ANALYZE bench_points")


def bench_bulk(*, alias: str, label: str, points: int, repeat: int, sql_plans: bool) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        # JIT compilation only adds start-up time to these joins; the figures are without it.
        cursor.execute("SET jit = off")
        cursor.execute("SELECT id FROM boundaries_edition WHERE slug = '2025'")
        edition_id = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM boundaries_adminunit WHERE level = 'commune'")
        communes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM boundaries_adminunitpart WHERE level = 'commune'")
        pieces = cursor.fetchone()[0]
        print(
            f"Bulk join, {points:,} random points in Điện Biên vs {label}: {communes:,} "
            f"communes, {pieces:,} subdivided pieces (median of {repeat}, alternating)"
        )
        _points_table(cursor, points)
        for order in ("random order", "clustered on the spatial index"):
            _reorder(cursor, order)
            runs: dict[str, list[tuple[float, float]]] = {"product": [], "raw": []}
            pid = connection.connection.info.backend_pid
            for _ in range(repeat):
                for side in runs:
                    wall, cpu, db = time.perf_counter(), time.process_time(), _backend_cpu(pid)
                    if side == "product":
                        joined = points_communes_join(
                            points=POINTS, edition_id=edition_id, using=alias
                        )
                    else:
                        theirs = raw_join(cursor, edition_id)
                    runs[side].append(
                        (
                            time.perf_counter() - wall,
                            time.process_time() - cpu + _backend_cpu(pid) - db,
                        )
                    )
            product, raw = (statistics.median(w for w, _ in runs[k]) for k in ("product", "raw"))
            product_cpu, raw_cpu = (
                statistics.median(c for _, c in runs[k]) for k in ("product", "raw")
            )
            ours, checked = in_id_order(joined)
            same = all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))
            line(f"[{order}] subdivided (boundaries.bulk) / raw (s)", f"{product:.2f} / {raw:.2f}")
            line(f"[{order}] subdivided is faster by (target ≥ 3×)", f"{raw / product:.1f}×")
            line(
                f"[{order}] CPU, Python + PostgreSQL: subdivided / raw (s)",
                f"{product_cpu:.2f} / {raw_cpu:.2f} = {raw_cpu / product_cpu:.1f}×",
            )
            line(
                f"[{order}] points with a commune; identical on every point",
                f"{len(ours[0]):,} / {points:,}; {'yes' if same else 'NO'} "
                f"({checked} decided by PostGIS)",
            )
            for name, sql in SQL_PLANS.items() if sql_plans else ():
                start = time.perf_counter()
                cursor.execute(sql, {"edition": edition_id})
                cursor.fetchone()
                line(f"[{order}] {name} (s)", f"{time.perf_counter() - start:.2f}")
