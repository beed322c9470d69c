"""Analysis at the database's size: every analysis endpoint at its worst allowed parameters.

Part of bench/maps_bench.py (imported after django.setup()). Each request goes through its
DRF view (filters, bounds, the PostgreSQL statement budget, JSON rendering), as an analyst,
at the smallest cell the grid limit allows over the whole province and over every period;
the live path (filters the cell cache cannot answer) at the most reports it accepts. Prints
p50/p95 against the 1 s target with the CPU each request used (this process and its
PostgreSQL backend: what it costs on an idle machine, where wall time on a shared one is
mostly waiting for a core), and the answer of a request over the limits (400) and one past a
tiny budget (503), which must come back at once.
"""

import math
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIRequestFactory, force_authenticate

from gis_portal.throttles import PortalScopedThrottle
from maps import cells, hexgrid
from maps.selectors import MapFilters, map_open_reports
from maps.views import ChoroplethView, HeatmapView, HotspotView
from reports.models import Report, Role, User

TARGET_MS = 1000


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def _backend_cpu_s() -> float:
    """CPU seconds the PostgreSQL backend of this connection has used (same machine)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _smallest_cell(area_km2: float) -> int:
    """The smallest whole-metre cell grid_check accepts over this area."""
    limit = settings.MAPS_HEX_MAX_CELLS
    size = max(hexgrid.MIN_SIZE, math.ceil(math.sqrt(area_km2 * 1e6 / (1.5 * 3**0.5 * limit))))
    while math.ceil(area_km2 * 1e6 / hexgrid.hexagon_area_m2(size)) > limit:
        size += 1
    return size


def _live_date_from() -> str:
    """The earliest day from which the live path still accepts the reports (all periods up
    to the live limit): the worst live request."""
    limit = settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS
    newest = Report.objects.order_by("-created_at").values_list("created_at", flat=True)
    edge = newest[limit - 1 : limit].first() if Report.objects.count() > limit else None
    day = timezone.localdate(edge) + timedelta(days=1) if edge else None
    return (day or timezone.localdate() - timedelta(days=36500)).isoformat()


def _largest_live_box(analyst) -> tuple[str, float]:
    """The largest square box around Điện Biên Phủ (the densest place) that a 100-m heatmap
    accepts: within the grid limit, and with no more open reports than the live limit."""
    limit = settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS
    grid_km2 = settings.MAPS_HEX_MAX_CELLS * hexgrid.hexagon_area_m2(hexgrid.MIN_SIZE) / 1e6

    def box_of(half_km: float) -> tuple[float, float, float, float]:
        lat, lon = half_km / 111.32, half_km / 111.32 / math.cos(math.radians(21.4156))
        return (103.0578 - lon, 21.4156 - lat, 103.0578 + lon, 21.4156 + lat)

    low, high = 0.1, math.sqrt(grid_km2) / 2 * 0.99
    for _ in range(12):
        mid = (low + high) / 2
        reports = map_open_reports(user=analyst, filters=MapFilters(bbox=box_of(mid)))
        low, high = (mid, high) if reports[: limit + 1].count() <= limit else (low, mid)
    box = box_of(low * 0.97)  # the rounded box the request sends stays under the limit
    if hexgrid.bbox_area_km2(box) * 1e6 / hexgrid.hexagon_area_m2(hexgrid.MIN_SIZE) > (
        settings.MAPS_HEX_MAX_CELLS
    ):
        box = box_of(low * 0.99)
    return ",".join(f"{v:.4f}" for v in box), hexgrid.bbox_area_km2(box)


def analysis_section(*, runs: int) -> None:
    print()
    print(f"== analysis at the database's size ({Report.objects.count():,} reports) ==")
    if not cells.cells_usable(MapFilters()):
        print("  NOTE: the cell cache is stale or missing (manage.py maps_cells_refresh, or a")
        print("  larger MAPS_CELL_CACHE_MAX_AGE): the cached lines below take the live path.")
    # The HTML report's own rate limit would answer 429 after a few runs.
    PortalScopedThrottle.THROTTLE_RATES["maps-html-report"] = "1000000/hour"
    analyst = User(username="bench-analyst", role=Role.PLANNER)
    factory = APIRequestFactory()
    province = hexgrid._province()
    smallest = _smallest_cell(province.area_km2)
    box, box_area = _largest_live_box(analyst)
    start = time.perf_counter()
    built = hexgrid.study_areas_warm()
    print(
        f"{'Gi* study areas of the zoom sizes (refresh task; once per edition)':<66} "
        f"{(time.perf_counter() - start) * 1000:8.0f} ms (built {len(built)})"
    )
    start = time.perf_counter()
    hexgrid.study_area(size=smallest)  # an odd size: stored on first use, like a refresh
    print(
        f"{f'Gi* study area {smallest} m (smallest allowed; first use)':<66} "
        f"{(time.perf_counter() - start) * 1000:8.0f} ms"
    )
    live_from = _live_date_from()
    cases = [
        (
            f"hotspots cell={smallest} (smallest), province, all periods",
            HotspotView,
            {"cell": smallest},
        ),
        (
            f"hotspots cell={smallest}, one category",
            HotspotView,
            {"cell": smallest, "category": "ve-sinh-moi-truong"},
        ),
        ("hotspots zoom=12 (250 m), province, all periods", HotspotView, {"zoom": 12}),
        (
            f"hotspots cell={smallest}, live: date_from={live_from}",
            HotspotView,
            {"cell": smallest, "date_from": live_from},
        ),
        (
            f"heatmap cell={smallest} (smallest), province, all periods",
            HeatmapView,
            {"cell": smallest},
        ),
        (
            f"heatmap cell=100, live: largest box ({box_area:.0f} km²)",
            HeatmapView,
            {"cell": 100, "bbox": box},
        ),
        (
            f"heatmap cell={smallest}, live: date_from={live_from}",
            HeatmapView,
            {"cell": smallest, "date_from": live_from},
        ),
        ("choropleth level=commune, all periods", ChoroplethView, {"level": "commune"}),
        ("choropleth level=district, all periods", ChoroplethView, {"level": "district"}),
    ]
    worst = worst_cpu = 0.0
    for name, view_class, params in cases:
        view = view_class.as_view()
        samples, cpu, status = [], [], None
        for _ in range(runs):
            request = factory.get("/", params)
            force_authenticate(request, user=analyst)
            begin, begin_cpu, begin_pg = time.perf_counter(), time.process_time(), _backend_cpu_s()
            response = view(request)
            if hasattr(response, "render"):  # the hexagon layers answer ready JSON text
                response.render()
            samples.append((time.perf_counter() - begin) * 1000)
            cpu.append((time.process_time() - begin_cpu + _backend_cpu_s() - begin_pg) * 1000)
            status = response.status_code
        p50, p95 = _percentiles(samples)
        cpu50 = statistics.median(cpu)
        worst, worst_cpu = max(worst, p95), max(worst_cpu, cpu50)
        verdict = "OK" if p95 <= TARGET_MS and status == 200 else "OVER"
        print(
            f"{name:<62} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  ×{p95 / TARGET_MS:4.2f} of "
            f"{TARGET_MS} ms  cpu {cpu50:5.0f} ms ×{cpu50 / TARGET_MS:4.2f}  {status} {verdict}"
        )
    print(
        f"{'worst of the allowed requests':<62} p95 {worst:6.0f} ms ×{worst / TARGET_MS:.2f};  "
        f"cpu p50 {worst_cpu:5.0f} ms ×{worst_cpu / TARGET_MS:.2f}"
    )

    def answer(view_class, params, budget_ms=None):
        saved = settings.MAPS_ANALYSIS_BUDGET_MS
        if budget_ms is not None:
            settings.MAPS_ANALYSIS_BUDGET_MS = budget_ms
        try:
            request = factory.get("/", params)
            force_authenticate(request, user=analyst)
            begin = time.perf_counter()
            response = view_class.as_view()(request)
            if hasattr(response, "render"):
                response.render()
            return response, (time.perf_counter() - begin) * 1000
        finally:
            settings.MAPS_ANALYSIS_BUDGET_MS = saved

    refused, ms = answer(HotspotView, {"cell": 100})
    print(
        f"{'refused: hotspots cell=100 over the province':<66} {ms:8.0f} ms  "
        f"{refused.status_code} field={refused.data.get('field')}"
    )
    broad, ms = answer(HotspotView, {"cell": smallest, "date_from": "2000-01-01"})
    print(
        f"{'refused: hotspots live over every report (date_from=2000-01-01)':<66} {ms:8.0f} ms  "
        f"{broad.status_code} field={broad.data.get('field')}"
    )
    cut, ms = answer(HeatmapView, {"cell": 100, "bbox": box}, budget_ms=20)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        usable = cursor.fetchone()[0] == 1
    print(
        f"{'past a 20 ms budget: heatmap cell=100 largest box':<66} {ms:8.0f} ms  "
        f"{cut.status_code} (connection usable after: {usable})"
    )
