"""Maps benchmark (not a timed test): tiles, heatmap and Gi* at the database's current size.

Usage (a database filled by `manage.py reports_synthesize --count 1000000`):

    DB_NAME=gis_portal .venv/bin/python bench/maps_bench.py [--runs 40] [--esda-permutations 999]

Prints p50/p95 in milliseconds for: point tiles at z 10, 14 and 16 in random public places
(first and repeat visits) and at z 10–16 over every report in the city centre (target p95
≤ 50 ms, no tile cache; z 10–15 from the point-cell table, each against the same cells
aggregated live), aggregated count tiles at z 7–8 and the pending-case heatmap at z 8
(≤ 150 ms), the Gi* layer for Điện Biên at 500 m cells (≤ 200 ms), and each against its naive
version: raw point tiles at low zoom, and PySAL esda G_Local with permutations. Then
"analysis at the database's size" (bench/maps_analysis.py): every analysis endpoint at its
worst allowed parameters against the 1 s target (`--analysis-only` runs that section alone).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

import django  # noqa: E402

django.setup()

from maps import cells, hexgrid, layers, tiles  # noqa: E402
from maps.hotspots import gi_star_esda  # noqa: E402
from maps.selectors import (  # noqa: E402
    MapFilters,
    map_analysis_reports,
    map_open_reports,
    map_public_reports,
)
from reports.models import Report, Role, User  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def timed(fn, runs: int) -> tuple[float, float]:
    samples = []
    for k in range(runs):
        start = time.perf_counter()
        fn(k)
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def line(name: str, p50: float, p95: float, target: float | None = None) -> None:
    verdict = "" if target is None else ("  OK" if p95 <= target else f"  over {target:.0f} ms")
    print(f"{name:<58} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--esda-permutations", type=int, default=999)
    parser.add_argument(
        "--analysis-only", action="store_true", help="only the bounded-analysis section"
    )
    args = parser.parse_args()
    if args.analysis_only:
        from bench.maps_analysis import analysis_section

        analysis_section(runs=max(5, args.runs // 2))
        return
    analyst = User(username="bench", role=Role.PLANNER)
    total = Report.objects.count()
    print(f"Reports in database: {total:,}")
    rng = random.Random(1)
    sample = list(
        map_public_reports().order_by("?").values_list("point", flat=True)[: args.runs * 2]
    )
    if not sample:
        sys.exit("No public reports: run manage.py reports_synthesize first.")
    public = map_public_reports()
    none = MapFilters()

    for z in (10, 14, 16):

        def point_tile(k, z=z, klasses=cells.PUBLIC_KLASSES):
            p = sample[k % len(sample)]
            x, y = tile_of(p.x, p.y, z)
            tiles.report_tile(reports=public, filters=none, z=z, x=x, y=y, klasses=klasses)

        # First visits read report pages PostgreSQL has not cached yet; repeat visits (other
        # users, the same places) find them in shared_buffers. Neither uses a tile cache.
        line(f"point tile z{z} (public, random places, first visit)", *timed(point_tile, args.runs))
        line(
            f"point tile z{z} (public, same places, repeat visit)",
            *timed(point_tile, args.runs),
            target=50,
        )
        if z < tiles.FULL_DETAIL_ZOOM:
            line(
                "  same, cells aggregated live", *timed(lambda k, f=point_tile: f(k, klasses=()), 5)
            )

    # Worst case: every report, in the densest area (Điện Biên Phủ city centre).
    everything = map_analysis_reports(user=analyst)
    for z in (10, 12, 14, 16):
        x, y = tile_of(103.0578, 21.4156, z)

        def centre_tile(k, z=z, x=x, y=y, klasses=cells.ALL_KLASSES):
            tiles.report_tile(reports=everything, filters=none, z=z, x=x, y=y, klasses=klasses)

        line(
            f"point tile z{z} (analysis, all reports, city centre)",
            *timed(centre_tile, args.runs),
            target=50,
        )
        if z < tiles.FULL_DETAIL_ZOOM:
            line(
                "  same, cells aggregated live",
                *timed(lambda k, f=centre_tile: f(k, klasses=()), 5),
            )

    low = [(z, *tile_of(103.0578 + rng.uniform(-0.5, 0.5), 21.6, z)) for z in (7, 8)]

    def count_tile(k):
        z, x, y = low[k % len(low)]
        tiles.report_tile(reports=public, filters=none, z=z, x=x, y=y, klasses=cells.PUBLIC_KLASSES)

    agg50, agg95 = timed(count_tile, max(6, args.runs // 4))
    line("aggregated count tile z7–8 (public, cell cache)", agg50, agg95, target=150)

    def live_count_tile(k):
        z, x, y = low[k % len(low)]
        tiles.count_tile(reports=public, filters=none, z=z, x=x, y=y)

    line("  same, live aggregation from the reports table", *timed(live_count_tile, 3))

    def naive_tile(k):
        z, x, y = low[k % len(low)]
        tiles.point_tile(reports=public, filters=none, z=z, x=x, y=y)

    raw50, raw95 = timed(naive_tile, 3)
    line("naive: raw point tile z7–8 (public)", raw50, raw95)
    print(f"{'':<58} ratio naive/aggregated p50 ×{raw50 / agg50:.1f}")

    open_reports = map_open_reports(user=analyst)

    def heatmap(k):
        layers.heatmap_layer(reports=open_reports, size=hexgrid.size_for_zoom(8), filters=none)

    line("heatmap z8 (open reports, age-weighted, cell cache)", *timed(heatmap, 10), target=150)

    def heatmap_live(k):
        layers.heatmap_layer(reports=open_reports, size=hexgrid.size_for_zoom(8))

    line("  same, live from the reports table", *timed(heatmap_live, 3))

    start = time.perf_counter()
    hexgrid.study_area(size=500)
    print(
        f"{'Gi* study area 500 m (first call per process, cached after)':<58} "
        f"{(time.perf_counter() - start) * 1000:8.1f} ms"
    )
    everything = map_analysis_reports(user=analyst)

    def hotspots(k):
        layers.hotspot_layer(reports=everything, size=500, filters=none)

    gi50, gi95 = timed(hotspots, 10)
    line("Gi* layer 500 m, all reports (analytic z, FDR, cell cache)", gi50, gi95, target=200)
    one = MapFilters(categories=("ve-sinh-moi-truong",))
    recent = map_analysis_reports(user=analyst, filters=one)
    line(
        "Gi* layer 500 m, one category (cell cache)",
        *timed(lambda k: layers.hotspot_layer(reports=recent, size=500, filters=one), 10),
        target=200,
    )
    line(
        "  same, live from the reports table",
        *timed(lambda k: layers.hotspot_layer(reports=recent, size=500), 3),
    )
    area, counts, _ = layers.hotspot_cells(reports=everything, size=500)
    start = time.perf_counter()
    gi_star_esda(counts, area.neighbours, permutations=args.esda_permutations)
    esda_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    from maps.hotspots import gi_star

    gi_star(counts, area.neighbours)
    ours_ms = (time.perf_counter() - start) * 1000
    print(
        f"{'naive: esda G_Local(star) ' + str(args.esda_permutations) + ' permutations':<58} "
        f"{esda_ms:8.1f} ms (statistics only; analytic path {ours_ms:.1f} ms, "
        f"×{esda_ms / max(ours_ms, 1e-6):.0f})"
    )
    from bench.maps_analysis import analysis_section

    analysis_section(runs=max(5, args.runs // 2))


if __name__ == "__main__":
    main()
