"""Planners' layers: age-weighted heatmap of open cases, Gi* hotspots, choropleths."""

import pytest
from django.urls import reverse

from reports.models import Rating, Report, Result
from tests.maps.conftest import DBP, MUONG_THANH

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["maps-heatmap", "maps-hotspots", "maps-choropleth"])
@pytest.mark.parametrize("who", ["anonymous", "citizen", "officer"])
def test_analysis_layers_are_for_analysts_only(client, request, name, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(name)).status_code in (401, 403)


def test_heatmap_counts_open_reports_weighted_by_age(client, planner, make_report):
    make_report(DBP, status=Report.Status.IN_PROGRESS, age_days=10)
    make_report(DBP, status=Report.Status.ASSIGNED, age_days=4, hidden=True, hidden_reason="x")
    make_report(DBP, status=Report.Status.PUBLISHED, age_days=30)
    make_report(MUONG_THANH, status=Report.Status.SUBMITTED, age_days=1)
    client.force_login(planner)

    body = client.get(reverse("maps-heatmap"), {"cell": 1000}).json()

    assert body["cell_size_m"] == 1000
    cells = [f["properties"] for f in body["features"]]
    assert sum(c["count"] for c in cells) == 3  # the published report is not pending
    dbp = max(cells, key=lambda c: c["count"])
    assert dbp["count"] == 2
    assert dbp["weight"] == pytest.approx(14, abs=0.1)
    assert dbp["intensity"] == 1.0
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    assert len(body["features"][0]["geometry"]["coordinates"][0]) == 7


def test_heatmap_cell_size_follows_zoom_and_rejects_bad_values(client, planner):
    client.force_login(planner)
    assert client.get(reverse("maps-heatmap"), {"zoom": 11}).json()["cell_size_m"] == 500
    response = client.get(reverse("maps-heatmap"), {"cell": 5})
    assert response.status_code == 400 and response.json()["field"] == "cell"


def test_hotspot_layer_finds_a_planted_cluster(client, planner, make_report, road_category):
    # 12 reports in the old city centre, single ones scattered across three other communes.
    for _ in range(12):
        make_report(DBP)
    for point in [(103.3619, 21.8220), (102.4202, 22.2168), (103.4443, 21.6311)]:
        make_report(point)
    make_report(MUONG_THANH, category=road_category)
    client.force_login(planner)

    body = client.get(
        reverse("maps-hotspots"), {"cell": 2000, "category": "ve-sinh-moi-truong"}
    ).json()

    assert body["correction"] == "Benjamini-Hochberg FDR"
    assert body["reports"] == 15
    hot = [f["properties"] for f in body["features"] if f["properties"]["kind"] == "hot"]
    assert hot, "the planted cluster must be a hot spot"
    assert max(hot, key=lambda c: c["count"])["count"] == 12
    assert all(c["confidence"] in (90, 95, 99) for c in hot)


def test_choropleth_per_commune_and_district(client, planner, make_report, citizen, ubnd_dbp):
    on_time = make_report(DBP, current_agency=ubnd_dbp)
    on_time.due_at = on_time.closed_at
    on_time.save(update_fields=["due_at"])
    make_report(DBP, current_agency=ubnd_dbp, due_at=on_time.created_at)  # closed late
    make_report(DBP, status=Report.Status.IN_PROGRESS)
    result = Result.objects.create(
        report=on_time, agency=ubnd_dbp, author=citizen, text="Xong", state="published"
    )
    Rating.objects.create(report=on_time, result=result, user=citizen, value="satisfied")
    client.force_login(planner)

    body = client.get(reverse("maps-choropleth")).json()
    by_code = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert len(by_code) == 45
    dbp = by_code["03127"]
    assert dbp["reports"] == 3
    assert dbp["per_km2"] == pytest.approx(3 / dbp["area_km2"], rel=1e-2)
    assert dbp["on_time_share"] == 0.5
    assert dbp["satisfied_share"] == 1.0
    assert by_code["03334"]["reports"] == 0 and by_code["03334"]["on_time_share"] is None

    districts = client.get(reverse("maps-choropleth"), {"level": "district"}).json()
    assert {f["properties"]["code"] for f in districts["features"]} >= {"094", "103"}
    bad = client.get(reverse("maps-choropleth"), {"level": "x"})
    assert bad.status_code == 400
    assert bad.json() == {"error": "level: chỉ nhận commune hoặc district.", "field": "level"}
