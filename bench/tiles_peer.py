"""Public point tiles: ours (gunicorn) against a generic PostGIS tile server, tipg (uvicorn).

Usage (the maps bench database, see bench/maps_bench.py; a view is added and dropped again):

    DB_NAME=gis_portal_maps_bench .venv/bin/python bench/tiles_peer.py [--places 10] [--rounds 3]

Both servers read the same database over HTTP from their own processes (2 workers each): ours
its public tile endpoint, tipg (in var/bench-peer-venv, installed on first use) a view of
exactly the reports `reports.policy` shows the public (the policy queryset compiled by Django),
with the same properties. Random public places at z 10, 14 and 16, and an empty tile; every
tile is fetched once from each server to warm both, then `--rounds` passes time them one after
another, the servers taking turns to go first. Prints p50, p95, features and KB per tile, the
p95 ratio tipg / ours (target ≥ 3× at every zoom) and how tipg's features compare with ours
under our collapse rule (bench/tiles_peer_check.py): "=" the same, "⊆" a subset (as with
tipg's default cap of 10,000 features per tile, also measured below z 16), "≠" neither.
"""

import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

import django  # noqa: E402

django.setup()

import tiles_peer_check as check  # noqa: E402
import tiles_peer_servers as servers  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from maps.models import CellRefresh  # noqa: E402
from maps.point_cells import FULL_DETAIL_ZOOM  # noqa: E402
from maps.selectors import map_public_reports  # noqa: E402
from reports.models import Report  # noqa: E402

ZOOMS = (10, 14, 16)
TARGET = 3.0
PEER_DEFAULT_CAP = 10_000


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def p50_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(round(0.95 * (len(ordered) - 1)))]


class Client:
    """One persistent HTTP/1.1 connection to a server."""

    def __init__(self, port: int):
        self.port = port
        # gunicorn's sync workers close after each answer; http.client then reconnects.
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def get(self, path: str) -> tuple[float, bytes]:
        for attempt in (1, 2):
            start = time.perf_counter()
            try:
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                body = response.read()
                break
            except (OSError, http.client.HTTPException):
                # A kept connection the server closed meanwhile: once more on a new one.
                self.conn.close()
                if attempt == 2:
                    raise
        elapsed = (time.perf_counter() - start) * 1000
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status} {body[:200]!r}")
        return elapsed, body


UNCACHED = "ours, no tile cache"


def run_zoom(z, places, rounds, ours_client, peer_client, capped: bool, uncached=None) -> dict:
    sides = {"ours": servers.ours_tile_path, "tipg": servers.peer_tile_path}
    if uncached:
        sides[UNCACHED] = servers.ours_tile_path
    if capped:
        sides["tipg, default cap"] = lambda z, x, y: servers.peer_tile_path(
            z, x, y, limit=PEER_DEFAULT_CAP
        )
    clients = {
        "ours": ours_client,
        "tipg": peer_client,
        "tipg, default cap": peer_client,
        UNCACHED: uncached,
    }
    result = {name: {"ms": [], "features": [], "bytes": [], "check": Counter()} for name in sides}
    tiles = [(z, *tile_of(lon, lat, z)) for lon, lat in places]
    first = {}
    for tile in tiles:  # warm both servers and PostgreSQL on these tiles; keep the bodies
        for name, path in sides.items():
            first[name, tile] = clients[name].get(path(*tile))[1]
    for tile in tiles:
        ours = check.features(first["ours", tile])
        for name in sides:
            found = check.features(first[name, tile])
            result[name]["features"].append(len(found))
            result[name]["bytes"].append(len(first[name, tile]))
            if name == UNCACHED:  # the same server drawing every tile: the same bytes
                same = first[name, tile] == first["ours", tile]
                result[name]["check"]["=" if same else "≠"] += 1
            elif name != "ours":
                result[name]["check"][check.compare(*tile, ours, found)] += 1
    names = list(sides)
    for number in range(rounds):
        for index, tile in enumerate(tiles):
            turn = (number + index) % len(names)
            for name in names[turn:] + names[:turn]:
                result[name]["ms"].append(clients[name].get(sides[name](*tile))[0])
    return result


def report(z: int, result: dict, ours_p95: float, places: int, label: str = "") -> float:
    """Prints the zoom's lines; the p95 ratio tipg (all features) / ours."""
    z_label_is_zoom = not label
    label = label or f"z{z}"
    ratios = {}
    peer_p95 = p50_p95(result["tipg"]["ms"])[1]
    for name, side in result.items():
        p50, p95 = p50_p95(side["ms"])
        mean_features = statistics.mean(side["features"])
        line = (
            f"{label:<6}{name:<18} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   features/tile "
            f"mean {mean_features:8.0f} max {max(side['features']):7d}   "
            f"{statistics.mean(side['bytes']) / 1024:7.1f} KB"
        )
        print(line)
        if name == UNCACHED:
            verdict = ", ".join(f"{m} {side['check'][m]}" for m in "=≠" if side["check"][m])
            print(
                f"{'':<6}{'':<18} ratio p95 tipg/{name} ×{peer_p95 / p95:.1f} (no target)"
                f"   bytes vs ours: {verdict} of {places} tiles"
            )
        elif name != "ours":
            checks = side["check"]
            verdict = ", ".join(f"{mark} {checks[mark]}" for mark in "=⊆≠" if checks[mark])
            rule = (
                "same reports inside the tile"
                if z >= FULL_DETAIL_ZOOM
                else "collapsed to our cells"
            )
            ratio = p95 / ours_p95
            ratios[name] = ratio
            ok = "OK" if ratio >= TARGET else f"under {TARGET:.0f}×"
            target = f"(target ≥ {TARGET:.0f}×) {ok}" if z_label_is_zoom else "(no target)"
            print(
                f"{'':<6}{'':<18} ratio p95 {name}/ours ×{ratio:.1f} {target}"
                f"   features vs ours ({rule}): {verdict} of {places} tiles"
            )
    return ratios["tipg"]


def cell_cache_age() -> int:
    """Seconds since the cell cache was refreshed; refreshed now if a report changed after.

    In production the beat refreshes it every 10 minutes, so our tiles below z 16 read it. A
    benchmark database sits still for hours: the cache it holds is still exact, but older than
    MAPS_CELL_CACHE_MAX_AGE, and our server is told its age instead. The feature check against
    tipg, which reads the reports live, would show a stale cell.
    """
    refreshes = CellRefresh.objects.order_by("-refreshed_at").values_list("refreshed_at", flat=True)
    latest = refreshes.first()
    if latest is None or Report.objects.filter(updated_at__gte=latest).exists():
        print("Refreshing the cell cache (manage.py maps_cells_refresh) …")
        call_command("maps_cells_refresh")
        latest = refreshes.first()
    return int((timezone.now() - latest).total_seconds())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=10, help="random public places per zoom")
    parser.add_argument("--rounds", type=int, default=3, help="timed passes over them")
    parser.add_argument("--workers", type=int, default=2, help="server processes of each side")
    parser.add_argument("--keep-view", action="store_true", help="leave bench_peer in the DB")
    parser.add_argument(
        "--no-uncached",
        dest="uncached",
        action="store_false",
        help="skip our second server, the one without the tile cache",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each zoom's lines as soon as it is done
    python = servers.peer_venv_ensure()
    total = Report.objects.count()
    public = map_public_reports()
    rng = random.Random(7)
    ids = list(public.order_by().values_list("id", flat=True)[:: max(1, total // 5000)])
    chosen = rng.sample(ids, min(len(ids), args.places * len(ZOOMS)))
    points = dict(public.filter(id__in=chosen).values_list("id", "point"))
    places = [(points[i].x, points[i].y) for i in chosen if i in points]
    if not places:
        sys.exit("No public reports: run manage.py reports_synthesize first.")
    servers.peer_view_create()
    version = servers.PEER_REQUIREMENTS[0].split("==")[1]
    logs = Path(tempfile.mkdtemp(prefix="tiles-peer-"))
    age = cell_cache_age()
    ours = servers.ours_start(free_port(), logs / "gunicorn.log", args.workers, age + 7200)
    peer = servers.peer_start(python, free_port(), logs / "tipg.log", args.workers, total + 1)
    # The same server without the shared tile cache: what drawing a tile costs (every tile
    # is fetched once before the timed rounds, so "ours" then answers from the cache).
    bare = None
    if args.uncached:
        bare = servers.ours_start(
            free_port(), logs / "gunicorn-bare.log", args.workers, age + 7200, tile_cache=False
        )
    try:
        ours.wait_ready()
        peer.wait_ready()
        if bare:
            bare.wait_ready()
        print(
            f"Tiles vs a peer: {total:,} reports, {public.count():,} public; ours gunicorn "
            f"{args.workers} sync workers vs tipg {version} on uvicorn {args.workers} workers, "
            f"same database, {args.places} places × {args.rounds} rounds per zoom, warm, "
            f"interleaved; cell cache refreshed {age // 60} min ago, no report changed since; "
            f"ours answers from the shared tile cache after the warm-up fetch"
            + (f", '{UNCACHED}' draws every tile" if bare else "")
        )
        ours_client, peer_client = Client(ours.port), Client(peer.port)
        bare_client = Client(bare.port) if bare else None
        ratios = {}
        for n, z in enumerate(ZOOMS):
            mine = places[n * args.places : (n + 1) * args.places] or places[: args.places]
            result = run_zoom(
                z,
                mine,
                args.rounds,
                ours_client,
                peer_client,
                capped=z < FULL_DETAIL_ZOOM,
                uncached=bare_client,
            )
            ratios[z] = report(z, result, p50_p95(result["ours"]["ms"])[1], len(mine))
        # What each server costs per tile with no report in it (the Arctic, z 16).
        empty = [(-179.99, 85.0)] * args.places
        result = run_zoom(
            16, empty, args.rounds, ours_client, peer_client, capped=False, uncached=bare_client
        )
        report(16, result, p50_p95(result["ours"]["ms"])[1], len(empty), label="empty")
        short = [z for z, ratio in ratios.items() if ratio < TARGET]
        figures = "  ".join(f"z{z} ×{ratio:.1f}" for z, ratio in ratios.items())
        verdict = "met" if not short else "not met at " + ", ".join(f"z{z}" for z in short)
        print(f"p95 tipg/ours: {figures}  (target ≥ {TARGET:.0f}× at every zoom: {verdict})")
    finally:
        ours.stop()
        peer.stop()
        if bare:
            bare.stop()
        if not args.keep_view:
            servers.peer_view_drop()


if __name__ == "__main__":
    main()
