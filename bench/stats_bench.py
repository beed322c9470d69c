"""Statistics page benchmark (not a timed test): /thong-ke/ computed live against served from
its snapshot, in one run, at the database's current size.

Usage (a database with reports, e.g. filled by `manage.py reports_synthesize --count 1000`):

    DB_NAME=gis_portal_stats_bench .venv/bin/python bench/stats_bench.py [--runs 20]

Prints p50/p95 in milliseconds of the whole page through Django (anonymous, default period):
computed live (a period covering every report, its cached copy dropped before each request: the
work the page did on every visit before the snapshot) and read from the snapshot, plus the
time of one snapshot refresh (the three standard periods).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from gis_portal.throttles import PortalScopedThrottle  # noqa: E402
from reports.models import Report  # noqa: E402
from stats.services import stats_snapshot_refresh  # noqa: E402
from stats.summary import stats_cache_key  # noqa: E402
from stats.views import filters_from  # noqa: E402

# Far enough ahead to hold every report: the same figures as all time, but not a snapshot.
EVERYTHING = {"to": "2999-12-31"}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def timed(fn, runs: int) -> tuple[float, float, int]:
    samples, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    return (*percentiles(samples), queries)


def line(name: str, p50: float, p95: float, queries: int) -> None:
    print(f"{name:<44} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms   {queries:3d} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    # The bench is one client asking many times: its custom periods must not be limited.
    PortalScopedThrottle.THROTTLE_RATES["stats-custom"] = "1000000/hour"
    client = Client(HTTP_HOST="localhost")
    print(f"Reports in database: {Report.objects.count():,}")

    start = time.perf_counter()
    outcome = stats_snapshot_refresh()
    print(
        f"{'snapshot refresh (' + str(len(outcome.written)) + ' periods)':<44} "
        f"{(time.perf_counter() - start) * 1000:8.1f} ms"
    )

    everything = filters_from(EVERYTHING)

    def live_page():
        cache.delete(stats_cache_key(everything))
        response = client.get("/thong-ke/", EVERYTHING)
        assert response.status_code == 200, response.status_code

    def snapshot_page():
        response = client.get("/thong-ke/")
        assert response.status_code == 200, response.status_code

    live = timed(live_page, args.runs)
    snapshot = timed(snapshot_page, args.runs)
    line("/thong-ke/ computed live (every report)", *live)
    line("/thong-ke/ from the snapshot", *snapshot)
    print(f"{'speed-up (p95)':<44} {live[1] / snapshot[1]:8.1f} ×")


if __name__ == "__main__":
    main()
