"""Read API: categories, agencies, special zones (GeoJSON) and the route preview."""

import pytest

from routing_rules.models import Agency, Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(routing_data_module, db):
    return routing_data_module


def test_categories_are_listed_in_display_order(data, api_client, django_assert_max_num_queries):
    Category.objects.filter(code="giao-duc").update(is_active=False)
    with django_assert_max_num_queries(2):
        response = api_client.get("/api/v1/categories/")
    assert response.status_code == 200
    codes = [item["code"] for item in response.json()]
    assert codes[0] == "trat-tu-xay-dung" and codes[-1] == "khac"
    assert "giao-duc" not in codes
    fire = next(item for item in response.json() if item["code"] == "chay-no")
    assert fire["urgent_hint"] is True


def test_agencies_are_paginated_and_filtered(data, api_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/agencies/", {"page_size": 20})
    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 84 and len(body["results"]) == 20 and body["next"]

    response = api_client.get("/api/v1/agencies/", {"parent": "dien-luc-dien-bien"})
    branches = response.json()["results"]
    assert len(branches) == 10
    assert {b["parent"] for b in branches} == {"dien-luc-dien-bien"}

    response = api_client.get(
        "/api/v1/agencies/", {"kind": "commune_ubnd", "jurisdiction": "03334"}
    )
    assert [a["code"] for a in response.json()["results"]] == ["ubnd-03334"]


def test_agency_filter_errors_name_the_field(data, api_client):
    response = api_client.get("/api/v1/agencies/", {"kind": "ministry"})
    assert response.status_code == 400
    assert response.json()["field"] == "kind"
    assert "ministry" in response.json()["error"]


def test_special_zones_are_geojson_with_their_effective_area(
    data, api_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/special-zones/", {"kind": "road_corridor"})
    body = response.json()
    assert response.status_code == 200
    assert body["type"] == "FeatureCollection"
    features = {f["id"]: f for f in body["features"]}
    assert set(features) == {"hanh-lang-ql12", "hanh-lang-ql279"}
    ql12 = features["hanh-lang-ql12"]
    assert ql12["geometry"]["type"] == "MultiPolygon"
    assert ql12["properties"]["buffer_m"] == 40
    assert ql12["properties"]["approximate"] is True

    relics = api_client.get("/api/v1/special-zones/", {"kind": "historic_site"}).json()
    managers = {f["properties"]["managing_agency"] for f in relics["features"]}
    assert managers == {"bql-di-tich-dien-bien"}


def test_route_preview_explains_the_decision(data, api_client, django_assert_max_num_queries):
    params = {
        "category": "an-toan-giao-thong",
        "lat": 21.3661,
        "lon": 103.0365,
        "text": "Cột điện án ngữ giữa đường ngõ",
    }
    # The in-process locate index loads on a process's first lookup; the count is the preview's.
    api_client.get("/api/v1/locate", {"lat": params["lat"], "lon": params["lon"]})
    with django_assert_max_num_queries(12):
        response = api_client.get("/api/v1/route-preview", params)
    body = response.json()
    assert response.status_code == 200
    assert body["agency"]["code"] == "dien-luc-tp-dien-bien-phu"
    assert [a["code"] for a in body["coordinators"]] == ["ubnd-03334"]
    assert body["rule"] == {
        "code": "dien-luc-tu-khoa",
        "name": "Phản ánh nhắc tới cột điện, dây điện (lĩnh vực khác) → Điện lực khu vực",
        "priority": 70,
    }
    assert body["commune"]["code"] == "03334" and body["district"]["code"] == "094"
    assert body["matched_conditions"]["keywords"] == ["cột điện"]
    assert body["fallback"] is False
    assert body["explanation"][0].startswith("Vị trí thuộc Phường Mường Thanh")


def test_route_preview_of_an_urgent_landslide_on_ql12(data, api_client):
    response = api_client.get(
        "/api/v1/route-preview",
        {"category": "thien-tai", "lat": 21.745, "lon": 103.0575, "urgent": "true"},
    )
    body = response.json()
    assert body["agency"]["code"] == "so-xay-dung"
    assert body["zones"] == ["hanh-lang-ql12"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 21.36, "lon": 103.03}, "category"),
        ({"category": "khong-co", "lat": 21.36, "lon": 103.03}, "category"),
        ({"category": "khac", "lon": 103.03}, "lat"),
        ({"category": "khac", "lat": "abc", "lon": 103.03}, "lat"),
        ({"category": "khac", "lat": 21.36, "lon": 103.03, "at": "hôm qua"}, "at"),
    ],
)
def test_route_preview_bad_input_is_400_naming_the_field(data, api_client, params, field):
    response = api_client.get("/api/v1/route-preview", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(f"{field}: ")


def test_route_preview_outside_the_province_is_422(data, api_client):
    response = api_client.get(
        "/api/v1/route-preview", {"category": "khac", "lat": 21.0, "lon": 105.8}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "lat"
    assert "ngoài địa bàn" in response.json()["error"]
    assert response.json()["province"] is None


def test_route_preview_without_the_fallback_ubnd_is_503_saying_what_to_load(data, api_client):
    Agency.objects.filter(jurisdiction_codes__contains=["03334"], kind="commune_ubnd").update(
        is_active=False
    )
    response = api_client.get(
        "/api/v1/route-preview", {"category": "khac", "lat": 21.3661, "lon": 103.0365}
    )
    assert response.status_code == 503
    assert response.json() == {
        "error": "Chưa có UBND đang hoạt động cho xã/phường mã 03334: hãy nạp dữ liệu bằng "
        "`manage.py routing_load` hoặc thêm trong trang quản trị.",
        "field": "non_field_errors",
    }
