"""Benchmark of the point → commune join. Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/locate_bench.py [--samples 2000] [--points 1000000] [--repeat 3]
                                           [--no-http] [--no-national]

1. Single lookups against Điện Biên: the selector's own SQL timed inside PostgreSQL
   (EXPLAIN ANALYZE execution time), the Python call, and GET /api/v1/locate over HTTP.
2. Bulk join of N random points in the province against the subdivided pieces and against
   the raw commune polygons, with the points in random order and spatially clustered.
3. The same bulk join against the national 3,321 communes, in a separate database
   (DB_NAME_BENCH, default gis_portal_bench) so the portal's own database stays Điện Biên only.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from psycopg import sql as pg_sql  # noqa: E402

from boundaries.selectors import LOCATE_SQL, commune_locate  # noqa: E402

BENCH_DB = os.environ.get("DB_NAME_BENCH", "gis_portal_bench")
NATIONAL_FILE = Path(settings.BOUNDARIES_DATA_DIR) / "vietnam" / "vietnam_2025.gpkg.xz"
SUBDIVIDED_JOIN = """
    SELECT count(*) FROM bench_points pt
    JOIN boundaries_adminunitpart part ON ST_Covers(part.geom, pt.geom)
    WHERE part.level = 'commune'
"""
RAW_JOIN = """
    SELECT count(*) FROM bench_points pt
    JOIN boundaries_adminunit unit ON ST_Covers(unit.geom, pt.geom)
    WHERE unit.level = 'commune'
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def line(label: str, value: str) -> None:
    print(f"  {label:<58} {value}")


def sample_points(cursor, count: int) -> list[tuple[float, float]]:
    cursor.execute(
        "SELECT ST_X(g.geom), ST_Y(g.geom) FROM boundaries_adminunit u, "
        "ST_Dump(ST_GeneratePoints(u.geom, %s, 7)) g "
        "WHERE u.level = 'province' AND u.code = '11' AND u.edition_id = "
        "(SELECT id FROM boundaries_edition WHERE slug = '2025')",
        [count],
    )
    return cursor.fetchall()


def bench_single(samples: int) -> None:
    print(f"Single lookup, Điện Biên, {samples} random points in the province")
    with connection.cursor() as cursor:
        points = sample_points(cursor, samples)
        served = list(settings.BOUNDARIES_SERVED_PROVINCES)
        execution, planning = [], []
        for lon, lat in points:
            params = {"lon": lon, "lat": lat, "at": "2026-01-01", "served": served}
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + LOCATE_SQL, params)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            execution.append(plan[0]["Execution Time"])
            planning.append(plan[0]["Planning Time"])
    line(
        "in the database: execution p50 / p99 (ms)",
        f"{percentile(execution, 50):.3f} / {percentile(execution, 99):.3f}",
    )
    line("in the database: planning p50 (ms)", f"{percentile(planning, 50):.3f}")
    timings = []
    for lon, lat in points:
        start = time.perf_counter()
        commune_locate(lon=lon, lat=lat)
        timings.append((time.perf_counter() - start) * 1000)
    line(
        "commune_locate() from Python, one round trip: p50 / p99 (ms)",
        f"{percentile(timings, 50):.3f} / {percentile(timings, 99):.3f}",
    )


def bench_http(samples: int) -> None:
    port = random.randint(20000, 40000)
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    # gunicorn with one sync worker: one persistent database connection, as in production.
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "gis_portal.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/v1/locate"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}?lat=21.3661&lon=103.0365", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        with connection.cursor() as cursor:
            points = sample_points(cursor, samples)
        timings = []
        for lon, lat in points:
            start = time.perf_counter()
            urllib.request.urlopen(f"{base}?lat={lat}&lon={lon}", timeout=5).read()
            timings.append((time.perf_counter() - start) * 1000)
        line(
            "GET /api/v1/locate over HTTP (gunicorn, 1 worker): p50 / p99 (ms)",
            f"{percentile(timings, 50):.3f} / {percentile(timings, 99):.3f}",
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def timed(cursor, sql: str, repeat: int) -> tuple[float, int]:
    runs, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        cursor.execute(sql)
        count = cursor.fetchone()[0]
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), count


def bench_bulk(dsn: str, label: str, points: int, repeat: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn, conn.cursor() as cursor:
        # JIT compilation only adds start-up time to these joins; the figures are without it.
        cursor.execute("SET jit = off")
        cursor.execute("SELECT count(*) FROM boundaries_adminunit WHERE level = 'commune'")
        communes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM boundaries_adminunitpart WHERE level = 'commune'")
        pieces = cursor.fetchone()[0]
        print(
            f"Bulk join, {points:,} random points in Điện Biên vs {label}: "
            f"{communes:,} communes, {pieces:,} subdivided pieces (median of {repeat})"
        )
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
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS bench_points_geom ON bench_points USING gist (geom)"
        )
        for order in ("random order", "clustered on the spatial index"):
            if order.startswith("random"):
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
            subdivided, matched = timed(cursor, SUBDIVIDED_JOIN, repeat)
            raw, raw_matched = timed(cursor, RAW_JOIN, repeat)
            line(f"[{order}] subdivided / raw (s)", f"{subdivided:.2f} / {raw:.2f}")
            line(f"[{order}] subdivided is faster by", f"{raw / subdivided:.1f}×")
            line(f"[{order}] points joined (subdivided, raw)", f"{matched:,}, {raw_matched:,}")


def dsn_for(name: str) -> str:
    db = settings.DATABASES["default"]
    return (
        f"host={db['HOST']} port={db['PORT']} dbname={name} "
        f"user={db['USER']} password={db['PASSWORD']}"
    )


def ensure_national_database() -> None:
    with psycopg.connect(dsn_for(settings.DATABASES["default"]["NAME"]), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(pg_sql.SQL("CREATE DATABASE {}").format(pg_sql.Identifier(BENCH_DB)))
    env = {**os.environ, "DB_NAME": BENCH_DB}
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(dsn_for(BENCH_DB)) as conn:
        communes = conn.execute(
            "SELECT count(*) FROM boundaries_adminunit WHERE level = 'commune'"
        ).fetchone()[0]
    if communes < 3321:
        print(f"Importing the national file into {BENCH_DB} (once)…", flush=True)
        start = time.perf_counter()
        subprocess.run(
            [*manage, "boundaries_import", "--gpkg", str(NATIONAL_FILE)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        line(
            "national import (3,321 communes, ~7.1 M vertices) (s)",
            f"{time.perf_counter() - start:.1f}",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-national", action="store_true")
    args = parser.parse_args()

    bench_single(args.samples)
    if not args.no_http:
        bench_http(min(args.samples, 1000))
    bench_bulk(
        dsn_for(settings.DATABASES["default"]["NAME"]), "Điện Biên", args.points, args.repeat
    )
    if not args.no_national:
        ensure_national_database()
        bench_bulk(dsn_for(BENCH_DB), "the national set", args.points, args.repeat)
    print(
        "Targets: single lookup p50 ≤ 0.2 ms in the database; subdivided ≥ 3× faster than raw;"
        " 1 M points against the national set ≤ 3 s."
    )


if __name__ == "__main__":
    main()
