"""HTTP: /api/v1/boundaries/simplified/ — outlines pre-simplified per zoom band for maps."""

import json

import pytest
from django.contrib.gis.geos import GEOSGeometry

from boundaries.models import AdminUnit
from boundaries.simplified import BANDS, band_for

pytestmark = pytest.mark.django_db

URL = "/api/v1/boundaries/simplified/"
# A view of the centre of Điện Biên Phủ at street zoom.
CITY = "103.03,21.37,103.06,21.40"


def collection(api_client, **params):
    response = api_client.get(URL, params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    return response, json.loads(response.content)


def vertices(body) -> int:
    return sum(GEOSGeometry(json.dumps(f["geometry"])).num_coords for f in body["features"])


def test_each_zoom_gets_the_coarsest_band_fine_enough_for_it():
    assert [band_for(z) for z in (0, 8, 9, 10, 11, 13, 15, 16, 19)] == [
        8,
        8,
        10,
        10,
        12,
        14,
        16,
        16,
        16,
    ]
    assert tuple(sorted(BANDS)) == BANDS


@pytest.mark.parametrize(("level", "count"), [("province", 1), ("district", 10), ("commune", 45)])
def test_every_unit_of_the_level_is_in_the_province_wide_bands(
    api_client, django_assert_max_num_queries, level, count
):
    with django_assert_max_num_queries(3):
        _, body = collection(api_client, level=level, zoom=8)
    assert body["type"] == "FeatureCollection" and body["band"] == 8
    assert len(body["features"]) == count
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["level"] == level
    assert feature["id"] == feature["properties"]["code"]


def test_province_zoom_draws_a_fiftieth_of_the_vertices_and_finer_bands_more(api_client):
    full = sum(u.geom.num_coords for u in AdminUnit.objects.filter(level="commune"))
    counts = [vertices(collection(api_client, level="commune", zoom=z)[1]) for z in (8, 10, 12)]
    assert counts[0] * 50 < full
    assert counts[0] < counts[1] < counts[2] < full


def test_fine_bands_bring_only_the_units_in_the_view_cut_to_it(api_client):
    _, whole = collection(api_client, level="commune", zoom=16)
    _, view = collection(api_client, level="commune", zoom=16, bbox=CITY)
    codes = {f["id"] for f in view["features"]}
    assert {"03127", "03334"} <= codes  # Điện Biên Phủ and Mường Thanh wards
    assert len(codes) < 10 and len(whole["features"]) == 45
    west, south, east, north = (float(v) for v in CITY.split(","))
    for feature in view["features"]:
        x0, y0, x1, y1 = GEOSGeometry(json.dumps(feature["geometry"])).extent
        assert west - 1e-6 <= x0 and x1 <= east + 1e-6 and south - 1e-6 <= y0 and y1 <= north + 1e-6


def test_the_outline_follows_the_unit_when_its_geometry_changes(api_client):
    unit = AdminUnit.objects.get(level="commune", code="03127")
    unit.geom = GEOSGeometry(
        "SRID=4326;MULTIPOLYGON(((103.0 21.4, 103.1 21.4, 103.1 21.5, 103.0 21.5, 103.0 21.4)))"
    )
    unit.save()
    _, body = collection(api_client, level="commune", zoom=14)
    feature = next(f for f in body["features"] if f["id"] == "03127")
    assert GEOSGeometry(json.dumps(feature["geometry"])).extent == (103.0, 21.4, 103.1, 21.5)
    unit.delete()
    _, body = collection(api_client, level="commune", zoom=14)
    assert "03127" not in {f["id"] for f in body["features"]}


def test_the_answer_is_public_cacheable_and_revalidated_by_etag(api_client):
    response, _ = collection(api_client, level="district", zoom=10)
    assert response["Cache-Control"] == "public, max-age=3600"
    assert "Cookie" not in response.get("Vary", "")
    again = api_client.get(
        URL, {"level": "district", "zoom": 10}, HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zoom": 8}, "level"),
        ({"level": "ward", "zoom": 8}, "level"),
        ({"level": "commune"}, "zoom"),
        ({"level": "commune", "zoom": 30}, "zoom"),
        ({"level": "commune", "zoom": 16, "bbox": "1,2,3"}, "bbox"),
        ({"level": "commune", "zoom": 16, "bbox": "3,2,1,4"}, "bbox"),
        ({"level": "commune", "zoom": 16, "bbox": "nan,2,3,4"}, "bbox"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_client, params, field):
    response = api_client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["field"] == field
