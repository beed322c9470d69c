"""Vector tiles: report points at z ≥ 10 (collapsed per cell below FULL_DETAIL_ZOOM), grid
counts below, cache headers; decoded with mapbox-vector-tile."""

import mapbox_vector_tile
import pytest
from django.urls import reverse

from maps.selectors import (
    MapFilters,
    map_analysis_reports,
    map_officer_reports,
    map_public_reports,
)
from maps.tiles import FULL_DETAIL_ZOOM, point_tile, tile_bbox_wgs84
from reports.models import Report
from tests.maps.conftest import DBP, MUONG_THANH

pytestmark = pytest.mark.django_db


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def get_tile(client, z, lon=DBP[0], lat=DBP[1], name="maps-public-tiles", headers=None, **params):
    x, y = tile_xy(lon, lat, z)
    return client.get(reverse(name, args=[z, x, y]), params, headers=headers)


def reports_layer(response) -> list[dict]:
    return mapbox_vector_tile.decode(response.content).get("reports", {}).get("features", [])


def test_full_detail_tile_has_public_points_only(api_client, public_set):
    response = get_tile(api_client, FULL_DETAIL_ZOOM)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    features = reports_layer(response)
    refs = {f["properties"]["reference"] for f in features}
    at_dbp = [r.pk for r in public_set.values() if (r.point.x, r.point.y) == DBP]
    # Whatever statuses the public scope holds, never hidden or private-result reports.
    assert refs == set(
        map_public_reports().filter(pk__in=at_dbp).values_list("reference", flat=True)
    )
    assert public_set["visible"].reference in refs
    assert not refs & {public_set["hidden"].reference, public_set["private"].reference}
    props = next(
        f["properties"] for f in features if f["properties"]["id"] == public_set["visible"].pk
    )
    assert props["status"] == "published" and props["category"] == "ve-sinh-moi-truong"
    assert "count" not in props
    assert features[0]["geometry"]["type"] == "Point"
    assert "Bí Mật" not in response.content.decode("latin-1")


def test_low_zoom_tile_carries_counts_not_points(api_client, public_set, make_report):
    for _ in range(3):
        make_report()
    layers = mapbox_vector_tile.decode(get_tile(api_client, 7).content)
    assert "reports" not in layers
    counts = [f["properties"]["count"] for f in layers["counts"]["features"]]
    # 3 new published + the public ones of the set; hidden/private ones are not counted.
    assert sum(counts) == map_public_reports().count() >= 5


def test_tile_filters_and_cache_headers(api_client, public_set):
    response = get_tile(api_client, 12, *MUONG_THANH, category="ha-tang-duong")
    layers = mapbox_vector_tile.decode(response.content)
    refs = {f["properties"]["reference"] for f in layers.get("reports", {}).get("features", [])}
    assert refs == {public_set["visible_mt"].reference}
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    etag = response["ETag"]
    again = get_tile(
        api_client, 12, *MUONG_THANH, category="ha-tang-duong", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304


def test_empty_and_invalid_tiles(api_client, public_set):
    empty = api_client.get(reverse("maps-public-tiles", args=[14, 0, 0]))
    assert empty.status_code == 200 and empty.content == b""
    bad = api_client.get(reverse("maps-public-tiles", args=[3, 9, 0]))
    assert bad.status_code == 400
    assert bad.json() == {
        "error": "Chỉ số ô x, y nằm ngoài lưới ở mức thu phóng này.",
        "field": "z/x/y",
    }


def test_analysis_tiles_include_hidden_reports_for_analysts_only(
    client, public_set, planner, citizen
):
    client.force_login(citizen)
    assert get_tile(client, 14, name="maps-analysis-tiles").status_code == 403
    client.force_login(planner)
    features = reports_layer(get_tile(client, FULL_DETAIL_ZOOM, name="maps-analysis-tiles"))
    refs = {f["properties"]["reference"] for f in features}
    assert public_set["hidden"].reference in refs
    assert "private" in get_tile(client, 14, name="maps-analysis-tiles")["Cache-Control"]


def test_tile_bounds():
    west, south, east, north = tile_bbox_wgs84(0, 0, 0)
    assert west == -180 and east == 180 and north > 85 and south < -85


def test_reports_on_one_pixel_at_z12_become_one_feature_with_count(api_client, make_report):
    make_report(age_days=1)
    urgent = make_report(age_days=9, urgent=True)
    make_report(age_days=2)
    features = reports_layer(get_tile(api_client, 12))
    assert len(features) == 1
    props = features[0]["properties"]
    # The most urgent (then newest) report stands for the cell, with its own attributes.
    assert props["count"] == 3 and props["id"] == urgent.pk
    assert props["reference"] == urgent.reference and props["urgent"] is True
    assert props["category"] == "ve-sinh-moi-truong" and props["created"]


def test_newest_report_represents_a_cell_without_urgent_ones(api_client, make_report):
    make_report(age_days=5)
    newest = make_report(age_days=1)
    props = reports_layer(get_tile(api_client, 14))[0]["properties"]
    assert props["id"] == newest.pk and props["count"] == 2


def test_full_detail_zoom_keeps_one_feature_per_report(api_client, make_report):
    made = {make_report().pk for _ in range(3)}
    features = reports_layer(get_tile(api_client, FULL_DETAIL_ZOOM))
    assert {f["properties"]["id"] for f in features} == made
    assert all("count" not in f["properties"] for f in features)


def test_collapsed_features_count_only_reports_in_scope_and_filters(
    api_client, make_report, road_category
):
    make_report()
    make_report(hidden=True, hidden_reason="Vi phạm nội quy.", urgent=True)
    make_report(private_result=True, urgent=True)
    make_report(status=Report.Status.SUBMITTED, urgent=True)
    road = make_report(category=road_category, age_days=8)
    make_report(category=road_category, age_days=9)
    props = reports_layer(get_tile(api_client, 12))[0]["properties"]
    # Scope: hidden, private-result and unpublished reports neither count nor represent.
    assert props["count"] == 3 and props["urgent"] is False
    filtered = reports_layer(get_tile(api_client, 12, category="ha-tang-duong"))
    assert [f["properties"]["id"] for f in filtered] == [road.pk]
    assert filtered[0]["properties"]["count"] == 2


def test_officer_and_analysis_scopes_apply_to_collapsed_tiles(
    make_report, ubnd_dbp, officer, planner
):
    make_report(status=Report.Status.IN_PROGRESS, current_agency=ubnd_dbp)
    make_report(hidden=True, hidden_reason="Vi phạm nội quy.")
    make_report(status=Report.Status.PUBLISHED, current_agency=ubnd_dbp)
    x, y = tile_xy(*DBP, 12)

    def counts(reports, **filters):
        data = point_tile(reports=reports, filters=MapFilters(**filters), z=12, x=x, y=y)
        layer = mapbox_vector_tile.decode(data).get("reports", {"features": []})
        return [f["properties"].get("count", 1) for f in layer["features"]]

    assert counts(map_analysis_reports(user=planner)) == [3]
    assert counts(map_analysis_reports(user=planner), urgent=True) == []
    expected = map_officer_reports(user=officer).count()
    assert expected >= 1 and counts(map_officer_reports(user=officer)) == [expected]


def test_tile_dates_are_local_submission_dates(api_client, make_report, settings):
    from datetime import UTC, datetime

    report = make_report()
    # 20:00 UTC is already the next day in the portal's time zone (UTC+7).
    report.created_at = datetime(2025, 1, 1, 20, 0, tzinfo=UTC)
    report.save(update_fields=["created_at"])
    props = reports_layer(get_tile(api_client, FULL_DETAIL_ZOOM))[0]["properties"]
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh" and props["created"] == "2025-01-02"
