"""Benchmark of the point → commune join. Prints figures and ratios; asserts nothing.

    .venv/bin/python bench/locate_bench.py [--samples 2000] [--points 1000000] [--repeat 3]
                                           [--seconds 5] [--rounds 8] [--no-http]
                                           [--no-national] [--bulk-only] [--sql-plans]

1. Single lookups against Điện Biên: the selector's own SQL timed inside PostgreSQL
   (EXPLAIN ANALYZE execution time), the in-process index (boundaries/index.py) against the
   PostGIS path from Python, and what the index costs in memory.
2. GET /api/v1/locate against constant JSON views on the same gunicorn (2 sync workers),
   4 connections, alternating runs (bench/locate_http.py): throughput, p50/p99, CPU per
   request in the workers and in PostgreSQL, worker RSS.
3. Bulk join of N random points in the province (bench/bulk_bench.py): the product's bulk
   path (boundaries/bulk.py, the subdivided pieces) against the plain join over the raw
   commune polygons, with the points in random order and spatially clustered; both must give
   every point the same commune.
4. The same bulk join against the national 3,321 communes, in a separate database
   (DB_NAME_BENCH, default gis_portal_bench) so the portal's own database stays Điện Biên only.
"""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

import django  # noqa: E402

django.setup()

import locate_http  # noqa: E402
import psycopg  # noqa: E402
from bulk_bench import bench_bulk  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg import sql as pg_sql  # noqa: E402

from boundaries.index import index_locate  # noqa: E402
from boundaries.selectors import (  # noqa: E402
    LOCATE_SQL,
    LocateError,
    commune_locate,
    commune_locate_postgis,
)

TODAY = timezone.localdate()
BENCH_DB = os.environ.get("DB_NAME_BENCH", "gis_portal_bench")
NATIONAL_FILE = Path(settings.BOUNDARIES_DATA_DIR) / "vietnam" / "vietnam_2025.gpkg.xz"


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


def _timed_calls(call, points) -> tuple[list[float], float]:
    """Wall time of each call (ms) and CPU time per call (ms)."""
    timings = []
    cpu = time.process_time()
    for lon, lat in points:
        start = time.perf_counter()
        call(lon, lat)
        timings.append((time.perf_counter() - start) * 1000)
    return timings, (time.process_time() - cpu) / len(points) * 1000


def _quiet(call):
    def run(lon, lat):
        with contextlib.suppress(LocateError):
            call(lon=lon, lat=lat, at=TODAY)

    return run


def bench_single(samples: int) -> None:
    print(f"Single lookup, Điện Biên, {samples} random points in the province")
    with connection.cursor() as cursor:
        points = sample_points(cursor, samples)
        served = list(settings.BOUNDARIES_SERVED_PROVINCES)
        execution, planning = [], []
        for lon, lat in points:
            params = {"lon": lon, "lat": lat, "at": TODAY, "served": served}
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
    commune_locate(lon=points[0][0], lat=points[0][1], at=TODAY)  # loads the index
    postgis, postgis_cpu = _timed_calls(_quiet(commune_locate_postgis), points)
    indexed, indexed_cpu = _timed_calls(_quiet(commune_locate), points)
    bare, bare_cpu = _timed_calls(lambda lon, lat: index_locate(lon=lon, lat=lat, at=TODAY), points)
    for label, timings, cpu in (
        ("PostGIS path, one round trip", postgis, postgis_cpu),
        ("in-process index (commune_locate)", indexed, indexed_cpu),
        ("in-process index alone (index_locate)", bare, bare_cpu),
    ):
        line(
            f"{label}: p50 / p99 (ms), Python CPU per call",
            f"{percentile(timings, 50):.3f} / {percentile(timings, 99):.3f}, {cpu:.3f} ms",
        )
    line(
        "index vs PostGIS path (p50)",
        f"{percentile(postgis, 50) / percentile(indexed, 50):.0f}× faster",
    )


# A fresh interpreter booted as a web worker (gis_portal.wsgi): memory before the first
# lookup, after it (the index of the served edition loads), after 2,000 lookups all over the
# province (each piece met is read into GEOS once).
MEMORY_PROBE = """
import json, random, sys
import gis_portal.wsgi
sys.path.insert(0, "bench")
from locate_http import rss_mb
from boundaries.selectors import LocateError, commune_locate
booted = rss_mb()
commune_locate(lon=103.0365, lat=21.3661)
first = rss_mb()
rng = random.Random(7)
for _ in range(2000):
    try:  # the box around the province: some points are outside it
        commune_locate(lon=rng.uniform(102.1, 103.6), lat=rng.uniform(20.9, 22.6))
    except LocateError:
        pass
heavy = [m for m in ("numpy", "shapely") if m in sys.modules]
print(json.dumps([booted, first, rss_mb(), heavy]))
"""


def bench_memory() -> None:
    print("Memory of the in-process index (a fresh process booted as a web worker)")
    done = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=True,
    )
    booted, first, many, heavy = json.loads(done.stdout.strip().splitlines()[-1])
    line(
        "RSS booted / after one lookup / after 2,000 (MB)",
        f"{booted:.1f} / {first:.1f} / {many:.1f}",
    )
    line(
        "the index costs; numpy or shapely loaded",
        f"{many - booted:.1f} MB; {', '.join(heavy) or 'neither'}",
    )


def bench_http(samples: int, seconds: float, rounds: int) -> None:
    # locate_http prints locate beside the two constant views, ratios and CPU per lookup.
    locate_http.bench(min(samples, 1000), seconds, rounds)


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
    parser.add_argument("--seconds", type=float, default=5, help="length of one HTTP run")
    parser.add_argument("--rounds", type=int, default=8, help="HTTP runs per endpoint")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-national", action="store_true")
    parser.add_argument("--bulk-only", action="store_true", help="only the bulk joins")
    parser.add_argument(
        "--sql-plans", action="store_true", help="also time the pieces joined in SQL alone"
    )
    args = parser.parse_args()

    if not args.bulk_only:
        bench_single(args.samples)
        bench_memory()
    if not (args.no_http or args.bulk_only):
        bench_http(min(args.samples, 1000), args.seconds, args.rounds)
    bulk = {"points": args.points, "repeat": args.repeat, "sql_plans": args.sql_plans}
    bench_bulk(alias="default", label="Điện Biên", **bulk)
    if not args.no_national:
        ensure_national_database()
        connections.settings["national"] = {**connections.settings["default"], "NAME": BENCH_DB}
        bench_bulk(alias="national", label="the national set", **bulk)
    print(
        "Targets: single lookup p50 ≤ 0.2 ms in the database; /api/v1/locate ≥ 80 % of a "
        "constant JSON view's throughput and ≤ 0.5 ms CPU per lookup; subdivided ≥ 3× faster "
        "than raw at 1 M points, both orders; 1 M points against the national set ≤ 3 s."
    )


if __name__ == "__main__":
    main()
