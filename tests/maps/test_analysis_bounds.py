"""Analysis requests are bounded: a grid limit (test_limits), a live-path limit naming the
filter that needs it, and a PostgreSQL statement budget that answers 503 and leaves the
connection usable; the precomputed answers (study areas, the 250 m grid, the choropleth
snapshot) equal the live ones."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maps import cells, hexgrid, layers
from maps.budget import analysis_budget
from maps.errors import AnalysisTimeout
from maps.selectors import MapFilters, map_analysis_reports, map_open_reports
from maps.sql.hexgrid import HEX_GEOMETRIES_SQL
from reports.models import Rating, Report, Result
from tests.maps.conftest import DBP, MUONG_THANH

pytestmark = pytest.mark.django_db

# A hexagon size no zoom uses: its study area is never stored by the refresh task.
ODD_SIZE = 2345


def statement_timeout() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def forget_study_area(size: int) -> None:
    province = hexgrid._province()
    cache.delete(hexgrid._study_key(province.edition_id, province.province_code, float(size)))
    hexgrid._study_area.cache_clear()


@pytest.fixture
def three(make_report):
    for _ in range(3):
        make_report(DBP, status=Report.Status.IN_PROGRESS)


@pytest.mark.parametrize(
    "name, params, field",
    [
        ("maps-hotspots", {"date_from": "2000-01-01"}, "date_from"),
        ("maps-hotspots", {"status": "in_progress,published"}, "status"),
        ("maps-heatmap", {"bbox": "102.5,21.0,103.5,22.0"}, "bbox"),
        ("maps-heatmap", {"date_to": "2100-01-01", "urgent": "false"}, "date_to"),
        ("maps-choropleth", {"district": "094"}, "district"),
        ("maps-choropleth", {"category": "ve-sinh-moi-truong"}, "category"),
    ],
)
def test_a_live_layer_over_too_many_reports_is_a_400_naming_the_filter(
    client, planner, three, settings, name, params, field
):
    client.force_login(planner)
    settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS = 2
    refused = client.get(reverse(name), params)
    assert refused.status_code == 400
    body = refused.json()
    assert body["field"] == field and body["error"].startswith(f"{field}: ")
    assert "vượt giới hạn" in body["error"] and "hơn 2 phản ánh" in body["error"]
    assert body["limit"] == 2 and "bbox" in body["narrow"]
    settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS = 3
    assert client.get(reverse(name), params).status_code == 200


def test_an_unfiltered_layer_with_no_fresh_cache_over_too_many_reports_is_a_503(
    client, planner, three, settings
):
    client.force_login(planner)
    settings.MAPS_ANALYSIS_LIVE_MAX_REPORTS = 2
    for name in ("maps-heatmap", "maps-hotspots", "maps-choropleth"):
        refused = client.get(reverse(name))
        assert refused.status_code == 503 and int(refused["Retry-After"]) > 0
        assert refused.json()["error"].startswith("Bảng tổng hợp bản đồ chưa được cập nhật")


def test_a_request_past_its_budget_is_a_503_and_the_connection_serves_the_next(
    client, planner, three, settings
):
    client.force_login(planner)
    cache.delete(layers.choropleth_units_key("commune"))
    # Simplifying the communes' outlines takes far longer (outside the request's budget in
    # production, under the build budget: both tiny here).
    settings.MAPS_ANALYSIS_BUDGET_MS = settings.MAPS_ANALYSIS_BUILD_MS = 5
    cut = client.get(reverse("maps-choropleth"))
    assert cut.status_code == 503
    assert int(cut["Retry-After"]) > 0
    body = cut.json()
    assert body["field"] == "non_field_errors" and body["budget_ms"] == 5
    assert body["error"].startswith("Phân tích vượt quá thời gian cho phép (5 ms)")
    assert "cell" in body["narrow"] and "date_from" in body["narrow"]
    # Rolled back, the budget gone with its transaction: the next requests are answered.
    assert statement_timeout() == "0"
    settings.MAPS_ANALYSIS_BUILD_MS = 60_000
    answered = client.get(reverse("maps-choropleth"))
    assert answered.status_code == 200
    assert sum(f["properties"]["reports"] for f in answered.json()["features"]) == 3


def test_a_study_area_build_past_its_own_budget_is_a_503_too(client, planner, three, settings):
    client.force_login(planner)
    forget_study_area(ODD_SIZE)
    settings.MAPS_ANALYSIS_BUILD_MS = 5
    assert client.get(reverse("maps-hotspots"), {"cell": ODD_SIZE}).status_code == 503
    settings.MAPS_ANALYSIS_BUILD_MS = 60_000
    answered = client.get(reverse("maps-hotspots"), {"cell": ODD_SIZE})
    assert answered.status_code == 200 and answered.json()["reports"] == 3


def test_the_budget_is_a_local_setting_of_the_block_only():
    with analysis_budget(budget_ms=1234):
        assert statement_timeout() == "1234ms"
    assert statement_timeout() == "0"
    with (
        pytest.raises(AnalysisTimeout),
        analysis_budget(budget_ms=10),
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT pg_sleep(1)")
    assert statement_timeout() == "0"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_study_areas_are_shared_by_every_process_through_the_cache():
    forget_study_area(2000)
    built = hexgrid.study_area(size=2000)
    hexgrid._study_area.cache_clear()  # another process: only the province is looked up
    with CaptureQueriesContext(connection) as queries:
        again = hexgrid.study_area(size=2000)
    assert queries.captured_queries
    assert not any("ST_HexagonGrid" in q["sql"] for q in queries.captured_queries)
    assert (again.i == built.i).all() and (again.j == built.j).all()
    assert (again.neighbours != built.neighbours).nnz == 0


@pytest.fixture
def refreshed(make_report, road_category, planner, citizen, ubnd_dbp):
    rated = make_report(DBP, current_agency=ubnd_dbp)
    result = Result.objects.create(
        report=rated, agency=ubnd_dbp, author=citizen, text="Xong", state="published"
    )
    Rating.objects.create(report=rated, result=result, user=citizen, value="satisfied")
    for k in range(5):
        make_report(DBP, status=Report.Status.IN_PROGRESS, age_days=k + 1)
    make_report(MUONG_THANH, category=road_category)
    make_report((103.3619, 21.8220), status=Report.Status.ASSIGNED, age_days=2)
    call_command("maps_cells_refresh")
    return planner


def test_the_250_m_grid_is_cached_exactly(refreshed):
    pending = map_open_reports(user=refreshed)

    def key(layer):
        return sorted(
            (p["i"], p["j"], p["count"], round(p["weight"]))
            for p in (f["properties"] for f in layer["features"])
        )

    live = layers.heatmap_layer(reports=pending, size=250)
    cache_layer = layers.heatmap_layer(reports=pending, size=250, filters=MapFilters())
    assert key(live) == key(cache_layer) and sum(k[2] for k in key(live)) == 6


@pytest.mark.parametrize("level", ["commune", "district"])
def test_the_choropleth_snapshot_equals_the_live_figures(refreshed, level):
    everything = map_analysis_reports(user=refreshed)
    assert cells.cells_unit_stats(filters=MapFilters(), level=level) is not None
    live = layers.choropleth_layer(reports=everything, level=level)
    snapshot = layers.choropleth_layer(reports=everything, level=level, filters=MapFilters())
    assert snapshot == live
    assert sum(f["properties"]["reports"] for f in live["features"]) == 8


@pytest.mark.parametrize("size", [238, 500, 2000])
def test_hexagon_features_equal_postgis_st_hexagon_geojson(size):
    import numpy as np

    rng = np.random.default_rng(size)
    area = hexgrid.study_area(size=2000)
    pick = rng.choice(len(area.i), 200, replace=False)
    scale = 2000 / size
    cells_ = [{"i": int(area.i[k] * scale), "j": int(area.j[k] * scale), "n": int(k)} for k in pick]
    params = {
        "size": float(size),
        "srid": hexgrid.metric_srid(),
        "i": [c["i"] for c in cells_],
        "j": [c["j"] for c in cells_],
    }
    with connection.cursor() as cursor:
        cursor.execute(HEX_GEOMETRIES_SQL, params)
        postgis = cursor.fetchone()[0]
    ours = hexgrid.hex_features(cells_, size)
    assert [f["geometry"] for f in ours] == postgis
    assert [f["properties"] for f in ours] == cells_
