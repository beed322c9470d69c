"""Statistics benchmark (not a timed test): /thong-ke/ and /api/v1/stats* read from the
summary (stats.cube) against computed live, interleaved in one run, at the database's size;
and what keeping the summary costs.

Usage (a database with reports, e.g. a copy of the 1M bench database):

    DB_NAME=gis_portal_stats_1m .venv/bin/python bench/stats_bench.py \
        [--runs 30] [--live-runs 2] [--changes 1000] [--rebuild]

Through Django's test client, anonymous: each summary request asks for a period other than the
standard ones with its cached copy dropped first (the worst case: a fold check and the grouped
reads of the cells), plus the standard period's page from its snapshot. "live" is the same
request answered the way staff are (every figure grouped from all reports, over every report:
a period reaching 2999). Then: whether the summary's figures equal the live computation's, the
time to fold N changed reports (N reports hidden, then shown again: two folds) and to rewrite
the standard snapshots, and the time of a full rebuild (measured with --rebuild, else the last
one's, as recorded by it). Writes to the database: use a copy.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# Booted as a gunicorn worker boots (gis_portal/wsgi.py: Django set up, the URLs loaded, the
# boot's objects set aside from the garbage collector): otherwise a full collection of them
# lands in whichever timed request happens to trigger it (~80 ms).
import gis_portal.wsgi  # noqa: E402, F401
from gis_portal.throttles import PortalScopedThrottle  # noqa: E402
from reports.models import Report  # noqa: E402
from stats import views  # noqa: E402
from stats.cube import stats_cube_fold, stats_cube_rebuild  # noqa: E402
from stats.models import StatsCubeState  # noqa: E402
from stats.selectors import StatsFilters  # noqa: E402
from stats.services import stats_snapshot_refresh  # noqa: E402
from stats.summary import stats_cache_key, stats_summary_compute, stats_summary_read  # noqa: E402

EVERYTHING = {"to": "2999-12-31"}
TARGET_MS = 100.0


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


class Timer:
    def __init__(self):
        self.samples: dict[str, list[float]] = {}
        self.queries: dict[str, int] = {}

    def run(self, name: str, fn) -> None:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            self.samples.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        self.queries[name] = len(captured)

    def figures(self, name: str) -> tuple[float, float, int, int]:
        p50, p95 = percentiles(self.samples[name])
        return p50, p95, self.queries[name], len(self.samples[name])


def random_period(rng: random.Random) -> dict:
    start = date(2024, 12, 1) + timedelta(days=rng.randrange(0, 700))
    return {"from": start.isoformat(), "to": (start + timedelta(rng.randrange(1, 400))).isoformat()}


def get(client: Client, path: str, params: dict) -> None:
    cache.delete(stats_cache_key(views.filters_from(params)))
    response = client.get(path, params)
    assert response.status_code == 200, (path, params, response.status_code)


def as_staff(fn):
    """The request answered as staff's are: computed live from every report."""

    def run():
        views.user_is_staff, saved = (lambda user: True), views.user_is_staff
        try:
            fn()
        finally:
            views.user_is_staff = saved

    return run


def compare_line(name: str, timer: Timer, live: str, summary: str) -> None:
    s50, s95, sq, sn = timer.figures(summary)
    verdict = "met" if s95 <= TARGET_MS else "NOT met"
    if live not in timer.samples:
        print(f"{name:<34} summary p50 {s50:6.1f} p95 {s95:6.1f} ms ({sq} q, n={sn}): {verdict}")
        return
    l50, l95, lq, ln = timer.figures(live)
    print(
        f"{name:<34} live p50 {l50:9.1f} p95 {l95:9.1f} ms ({lq} q, n={ln})  |  summary p50 "
        f"{s50:6.1f} p95 {s95:6.1f} ms ({sq} q, n={sn})  |  p95 ratio {l95 / s95:7.0f}×  |  "
        f"target summary p95 ≤ {TARGET_MS:.0f} ms: {verdict}"
    )


def fold_cost(changes: int) -> None:
    ids = list(
        Report.objects.filter(hidden=False).order_by("?").values_list("pk", flat=True)[:changes]
    )
    for label, values in (("hide", (True, "bench")), ("show again", (False, ""))):
        start = time.perf_counter()
        Report.objects.filter(pk__in=ids).update(hidden=values[0], hidden_reason=values[1])
        written = (time.perf_counter() - start) * 1000
        outcome = stats_cube_fold(wait=True)
        per_report = outcome.seconds * 1e6 / max(1, outcome.reports)
        print(
            f"fold {outcome.reports:>6} changed reports ({label:<10}) "
            f"{outcome.seconds * 1000:9.1f} ms = {per_report:7.1f} µs per report "
            f"(the UPDATE itself, triggers included: {written:8.1f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="summary requests of each kind")
    parser.add_argument("--live-runs", type=int, default=2, help="live requests of each kind")
    parser.add_argument("--changes", type=int, default=1000, help="reports changed per fold")
    parser.add_argument("--rebuild", action="store_true", help="time a full rebuild")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    # The bench is one client asking many times: its custom periods must not be limited.
    PortalScopedThrottle.THROTTLE_RATES["stats-custom"] = "1000000/hour"
    client = Client(HTTP_HOST="localhost")
    rng = random.Random(args.seed)
    print(f"Reports in database: {Report.objects.count():,}")

    state = StatsCubeState.objects.first()
    if args.rebuild or state is None:
        outcome = stats_cube_rebuild()
        print(f"{'full rebuild of the summary':<34} {outcome.seconds * 1000:9.1f} ms (this run)")
    else:
        print(
            f"{'full rebuild of the summary':<34} {state.rebuild_seconds * 1000:9.1f} ms "
            f"(the last one, {state.built_at:%Y-%m-%d %H:%M} UTC; --rebuild measures it)"
        )
    stats_cube_fold(wait=True)
    start = time.perf_counter()
    stats_snapshot_refresh()
    elapsed = (time.perf_counter() - start) * 1000
    print(f"{'snapshots of the 3 standard periods':<34} {elapsed:9.1f} ms")

    timer = Timer()
    every = max(1, args.runs // max(1, args.live_runs))
    for round_ in range(args.runs):
        period = random_period(rng)
        by_commune = {"by": "commune", **period}
        timer.run("page", partial(get, client, "/thong-ke/", period))
        timer.run("api", partial(get, client, "/api/v1/stats", by_commune))
        timer.run("ranking", partial(get, client, "/api/v1/stats/ranking", period))
        timer.run("page-snapshot", partial(get, client, "/thong-ke/", {}))
        timer.run("baseline", partial(get, client, "/healthz", {}))
        live_done = len(timer.samples.get("page-live", []))
        if args.live_runs and round_ % every == 0 and live_done < args.live_runs:
            everything = {"by": "commune", **EVERYTHING}
            timer.run("page-live", as_staff(partial(get, client, "/thong-ke/", EVERYTHING)))
            timer.run("api-live", as_staff(partial(get, client, "/api/v1/stats", everything)))
            ranking = as_staff(partial(get, client, "/api/v1/stats/ranking", EVERYTHING))
            timer.run("ranking-live", ranking)

    compare_line("/thong-ke/ (any period)", timer, "page-live", "page")
    compare_line("/api/v1/stats?by=commune", timer, "api-live", "api")
    compare_line("/api/v1/stats/ranking", timer, "ranking-live", "ranking")
    s50, s95, sq, _ = timer.figures("page-snapshot")
    print(f"{'/thong-ke/ standard period':<34} snapshot p50 {s50:6.1f} p95 {s95:6.1f} ms ({sq} q)")
    # How loaded the machine was: a trivial request (one SELECT 1, one Redis PING) alongside.
    b50, b95, bq, _ = timer.figures("baseline")
    page95 = timer.figures("page")[1]
    print(
        f"{'baseline GET /healthz':<34} p50 {b50:6.1f} p95 {b95:6.1f} ms ({bq} q); "
        f"/thong-ke/ summary p95 = {page95 / b95:.1f}× the baseline's"
    )

    if not args.live_runs:
        fold_cost(args.changes)
        return
    everything = StatsFilters(date_to=date(2999, 12, 31))
    live = stats_summary_compute(filters=everything)
    summary = stats_summary_read(filters=everything, now=live.computed_at)
    same = "yes" if summary.payload == live.payload else "NO"
    print(f"{'figures identical to live':<34} {same} (every figure, every grouping, ranking)")
    fold_cost(args.changes)


if __name__ == "__main__":
    main()
