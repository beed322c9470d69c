"""Vector tiles: report points at z ≥ 10, grid counts below, cache headers; decoded with
mapbox-vector-tile."""

import mapbox_vector_tile
import pytest
from django.urls import reverse

from maps.tiles import tile_bbox_wgs84
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


def test_street_zoom_tile_has_public_points_only(api_client, public_set):
    response = get_tile(api_client, 14)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layers = mapbox_vector_tile.decode(response.content)
    features = layers["reports"]["features"]
    refs = {f["properties"]["reference"] for f in features}
    assert refs == {public_set["visible"].reference}
    props = features[0]["properties"]
    assert props["status"] == "published" and props["category"] == "ve-sinh-moi-truong"
    assert features[0]["geometry"]["type"] == "Point"
    assert "Bí Mật" not in response.content.decode("latin-1")


def test_low_zoom_tile_carries_counts_not_points(api_client, public_set, make_report):
    for _ in range(3):
        make_report()
    layers = mapbox_vector_tile.decode(get_tile(api_client, 7).content)
    assert "reports" not in layers
    counts = [f["properties"]["count"] for f in layers["counts"]["features"]]
    # 2 public + 3 new published; hidden/private/open ones are not counted.
    assert sum(counts) == 5


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


def test_analysis_tiles_include_hidden_reports_for_analysts_only(
    client, public_set, planner, citizen
):
    client.force_login(citizen)
    assert get_tile(client, 14, name="maps-analysis-tiles").status_code == 403
    client.force_login(planner)
    layers = mapbox_vector_tile.decode(get_tile(client, 14, name="maps-analysis-tiles").content)
    refs = {f["properties"]["reference"] for f in layers["reports"]["features"]}
    assert public_set["hidden"].reference in refs
    assert "private" in get_tile(client, 14, name="maps-analysis-tiles")["Cache-Control"]


def test_tile_bounds():
    west, south, east, north = tile_bbox_wgs84(0, 0, 0)
    assert west == -180 and east == 180 and north > 85 and south < -85
