"""Memory of the web workers: RSS of each gunicorn worker after each kind of traffic, against
the 130 MB target (issue 13, goal 3). Prints figures; asserts nothing.

    .venv/bin/python bench/worker_rss.py [--requests 40] [--tree DIR]

gunicorn (production settings, 2 sync workers, persistent database connections, as
bench/intake_bench.py starts it) serves a database of its own (DB_NAME_RSS_BENCH, default
gis_portal_worker_rss: migrated, Điện Biên boundaries, routing data and 100,000 synthetic
reports of every status loaded once, the map's cell cache and the statistics' snapshot
refreshed once). Two clients at once (so both workers serve) then ask, phase after phase:

- locate: GET /api/v1/locate at random points;
- intake: POST /api/v1/reports/ with a citizen's token;
- pages: /, /ban-do/, a published report's page, /thong-ke/;
- tiles: public point tiles at z 10, 12, 14, 16 around random points;
- pin lists: GeoJSON of the public map as maps/static/maps/public.js asks it (a count, the pins
  of a commune and category, the pins of a 3 km box, each with page_size=5000), and the
  largest page anyone may ask (5,000 pins, no filter).

After each phase the VmRSS of each worker is printed (MiB, from /proc). The largest after the
goal's traffic (locate, intake, pages, tiles) is set against the target in MB (10^6 bytes);
the largest with the pin lists is printed after it. --tree serves the code of another
checkout (e.g. the previous one: `mkdir /tmp/before && git archive HEAD | tar -x -C
/tmp/before`), to compare.
"""

import argparse
import http.client
import json
import math
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

os.environ.setdefault("DB_NAME_RSS_BENCH", "gis_portal_worker_rss")
# intake_bench's helpers (server, token, /proc) serve the database named here.
os.environ["DB_NAME_INTAKE_BENCH"] = os.environ["DB_NAME_RSS_BENCH"]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import intake_bench as bench  # noqa: E402  (sets Django up for the bench database)
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

TARGET_MB = 130
MIB = 2**20
# The traffic the goal names (issue 13, goal 3); the pin lists are measured after it.
GOAL_PHASES = ("booted (after /healthz)", "locate", "intake", "pages", "tiles")
SYNTHETIC_REPORTS = 100_000
TAG = "rss"
PINS = "/api/v1/maps/public/reports/"


def database_ensure() -> None:
    bench.database_ensure()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_report")
        (count,) = cursor.fetchone()
    if count < SYNTHETIC_REPORTS // 2:
        manage = [sys.executable, "manage.py"]
        quiet = {"cwd": bench.ROOT, "check": True, "stdout": subprocess.DEVNULL}
        print(f"Loading {SYNTHETIC_REPORTS} synthetic reports (once)…", flush=True)
        subprocess.run(
            [*manage, "reports_synthesize", "--count", str(SYNTHETIC_REPORTS), "--tag", TAG],
            **quiet,
        )
        subprocess.run([*manage, "maps_cells_refresh"], **quiet)
        subprocess.run([*manage, "stats_snapshot_refresh"], **quiet)
    connection.close()


def static_collect() -> None:
    """Pages need the hashed static files of production settings: collected once per run into
    a temporary folder that the server is told of."""
    folder = tempfile.mkdtemp(prefix="worker_rss_static_")
    os.environ["DJANGO_STATIC_ROOT"] = folder
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DB_PASSWORD": settings.DATABASES["default"]["PASSWORD"],
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=bench.TREE,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def bbox_around(lon: float, lat: float, km: float) -> str:
    dlat = km / 2 / 111.32
    dlon = dlat / math.cos(math.radians(lat))
    return f"{lon - dlon:.5f},{lat - dlat:.5f},{lon + dlon:.5f},{lat + dlat:.5f}"


def sample_ids() -> tuple[list[str], list[str], str]:
    """Communes and categories to filter pins by, and a published report's reference."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT u.code FROM boundaries_adminunit u JOIN reports_report r "
            "ON r.commune_id = u.id WHERE r.status = 'published' LIMIT 40"
        )
        communes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT code FROM routing_rules_category WHERE is_active")
        categories = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT reference FROM reports_report WHERE status = 'published' "
            "AND NOT hidden ORDER BY id DESC LIMIT 1"
        )
        (reference,) = cursor.fetchone()
    connection.close()
    return communes, categories, reference


def rss_mib(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return 0.0
    for row in text.splitlines():
        if row.startswith("VmRSS:"):
            return int(row.split()[1]) / 1024
    return 0.0


def drive(port: int, requests: list[tuple], clients: int = 2) -> dict[int, int]:
    """Send the requests over `clients` persistent connections at once; statuses counted."""
    statuses: dict = {}
    lock = threading.Lock()
    queue = list(requests)

    def loop():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                method, path, body, headers = queue.pop()
            try:
                conn.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):  # a worker killed mid-answer
                with lock:
                    statuses["no answer"] = statuses.get("no answer", 0) + 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                continue
            with lock:
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.close()

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def phases(count: int, token: str, points, communes, categories, reference) -> list:
    def get(path: str, headers: dict | None = None):
        return ("GET", path, None, headers or {})

    auth = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    run = uuid.uuid4().hex[:8]

    def intake(n: int):
        payload = bench.body(run, n, random.choice(points))
        return ("POST", bench.INTAKE, payload, {**auth, "Idempotency-Key": f"{run}-{n}"})

    def tile(n: int):
        z = (10, 12, 14, 16)[n % 4]
        x, y = tile_of(*random.choice(points), z)
        return get(f"/api/v1/maps/tiles/public/{z}/{x}/{y}.mvt")

    def pins(n: int):
        lon, lat = random.choice(points)
        kind = n % 4
        if kind == 0:
            query = f"page_size=1&commune={random.choice(communes)}"
        elif kind == 1:
            query = (
                f"commune={random.choice(communes)}&category={random.choice(categories)}"
                "&page_size=5000"
            )
        elif kind == 2:
            query = f"bbox={bbox_around(lon, lat, 3)}&page_size=5000"
        else:
            query = "page_size=5000"
        return get(f"{PINS}?{query}")

    pages = ["/", "/ban-do/", f"/phan-anh/{reference}/", "/thong-ke/"]
    return [
        (
            "locate",
            [
                get(f"/api/v1/locate?lat={lat:.6f}&lon={lon:.6f}")
                for lon, lat in random.sample(points, count)
            ],
        ),
        ("intake", [intake(n) for n in range(count)]),
        ("pages", [get(pages[n % 4]) for n in range(count)]),
        ("tiles", [tile(n) for n in range(count)]),
        # Each costs seconds on this machine: a quarter as many.
        ("pin lists (GeoJSON, page_size=5000)", [pins(n) for n in range(max(4, count // 4))]),
        ("everything again, mixed", []),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40, help="per phase")
    parser.add_argument("--tree", type=Path, help="serve the code of this checkout instead")
    args = parser.parse_args()

    database_ensure()
    token = bench.citizen_token()
    points = bench.sample_points(2000)
    communes, categories, reference = sample_ids()
    static_collect()
    port = bench.free_port()
    server = bench.gunicorn_start(port)
    print(
        f"Worker RSS bench on {bench.BENCH_DB}, code of {bench.TREE}: gunicorn, 2 sync workers, "
        f"{args.requests} requests per phase over 2 connections; target ≤ {TARGET_MB} MB "
        "per worker"
    )
    peak = goal_peak = 0.0
    try:
        for _ in range(200):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if probe.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        pids = bench.worker_pids(server.pid)
        drive(port, [("GET", "/healthz", None, {})] * 4)
        rows = [("booted (after /healthz)", {})]
        plan = phases(args.requests, token, points, communes, categories, reference)
        everything = [request for _, requests in plan for request in requests]
        random.shuffle(everything)
        plan[-1] = (plan[-1][0], everything)
        print(f"  {'after':<40} " + "  ".join(f"worker {pid:>7}" for pid in pids) + "   statuses")
        for label, requests in [*rows, *plan]:
            statuses = drive(port, requests) if requests else {}
            current = bench.worker_pids(server.pid)
            if current != pids:  # a worker killed (timeout, memory) and replaced: say so
                print(f"  workers replaced: {pids} -> {current}")
                pids = current
            sizes = [rss_mib(pid) for pid in pids]
            peak = max(peak, *sizes)
            if label in GOAL_PHASES:
                goal_peak = max(goal_peak, *sizes)
            print(
                f"  {label:<40} "
                + "  ".join(f"{size:10.1f} MiB" for size in sizes)
                + f"   {json.dumps(statuses) if statuses else ''}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        bench.redis.Redis.from_url(bench.BENCH_BROKER).delete("celery")
        shutil.rmtree(os.environ["DJANGO_STATIC_ROOT"], ignore_errors=True)
    goal_mb = goal_peak * MIB / 1e6
    verdict = "met" if goal_mb <= TARGET_MB else "NOT met"
    print(
        f"  largest worker RSS after {', '.join(GOAL_PHASES[1:])} (the goal's traffic): "
        f"{goal_peak:.1f} MiB = {goal_mb:.1f} MB (target ≤ {TARGET_MB} MB): {verdict}"
    )
    print(
        f"  largest worker RSS, pin lists and the mixed round included: {peak:.1f} MiB = "
        f"{peak * MIB / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
