"""HTTP: /api/v1/locate and /api/v1/boundaries/."""

import pytest

pytestmark = pytest.mark.django_db

MUONG_THANH = {"lat": "21.3661", "lon": "103.0365"}


def test_locate_returns_province_district_and_commune(api_client):
    response = api_client.get("/api/v1/locate", MUONG_THANH)
    assert response.status_code == 200
    body = response.json()
    assert body["province"] == {"code": "11", "name": "Điện Biên", "full_name": "Tỉnh Điện Biên"}
    assert body["district"]["code"] == "094"
    assert body["commune"] == {
        "code": "03334",
        "name": "Mường Thanh",
        "full_name": "Phường Mường Thanh",
        "type": "phường",
    }
    assert body["method"] == "contains"
    assert body["distance_m"] == 0.0


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"lon": "103.0"}, "lat", "bắt buộc"),
        ({"lat": "21.3"}, "lon", "bắt buộc"),
        ({"lat": "abc", "lon": "103.0"}, "lat", "phải là một số"),
        ({"lat": "21.3", "lon": "1,5"}, "lon", "phải là một số"),
        ({"lat": "NaN", "lon": "103.0"}, "lat", "phải là một số"),
        ({"lat": "21.3", "lon": "inf"}, "lon", "phải là một số"),
        ({"lat": "90.5", "lon": "103.0"}, "lat", "nhỏ hơn hoặc bằng 90"),
        ({"lat": "-91", "lon": "103.0"}, "lat", "lớn hơn hoặc bằng -90"),
        ({"lat": "21.3", "lon": "180.01"}, "lon", "nhỏ hơn hoặc bằng 180"),
        ({"lat": "21.3", "lon": "-181"}, "lon", "lớn hơn hoặc bằng -180"),
        ({**MUONG_THANH, "at": "2025-13-01"}, "at", "YYYY-MM-DD"),
        ({**MUONG_THANH, "at": "01/07/2025"}, "at", "YYYY-MM-DD"),
    ],
)
def test_locate_rejects_bad_coordinates_with_field_and_reason(api_client, params, field, message):
    response = api_client.get("/api/v1/locate", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error", "field"}
    assert body["field"] == field
    assert body["error"].startswith(f"{field}: ")
    assert message in body["error"]


def test_locate_outside_the_served_area_is_422_without_province(api_client):
    response = api_client.get("/api/v1/locate", {"lat": "21.03", "lon": "105.85"})
    assert response.status_code == 422
    assert response.json() == {
        "error": "Vị trí nằm ngoài địa bàn tiếp nhận phản ánh.",
        "field": "lat",
        "province": None,
    }


def test_locate_outside_names_the_neighbouring_province(api_client, lai_chau_outline):
    response = api_client.get("/api/v1/locate", {"lat": "22.40", "lon": "103.45"})
    assert response.status_code == 422
    assert response.json() == {
        "error": "Vị trí thuộc Tỉnh Lai Châu, nằm ngoài địa bàn tiếp nhận phản ánh.",
        "field": "lat",
        "province": {"code": "12", "name": "Lai Châu", "full_name": "Tỉnh Lai Châu"},
    }


def test_locate_on_a_date_without_boundaries_is_422(api_client):
    response = api_client.get("/api/v1/locate", {**MUONG_THANH, "at": "2020-01-01"})
    assert response.status_code == 422
    assert "01/01/2020" in response.json()["error"]


@pytest.mark.parametrize(("level", "count"), [("province", 1), ("district", 10), ("commune", 45)])
def test_boundaries_list_is_a_feature_collection_per_level(
    api_client, django_assert_max_num_queries, level, count
):
    with django_assert_max_num_queries(3):
        response = api_client.get("/api/v1/boundaries/", {"level": level, "simplify": "100"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == count
    assert len(body["features"]) == count
    feature = body["features"][0]
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert feature["properties"]["level"] == level


def test_simplification_in_metres_shrinks_the_geometry(api_client):
    full = api_client.get("/api/v1/boundaries/", {"level": "district"})
    simple = api_client.get("/api/v1/boundaries/", {"level": "district", "simplify": "500"})
    assert len(simple.content) * 10 < len(full.content)


def test_boundaries_filtered_by_parent(api_client):
    body = api_client.get("/api/v1/boundaries/", {"parent": "094", "simplify": "200"}).json()
    assert sorted(f["id"] for f in body["features"]) == ["03127", "03316", "03325", "03334"]


def test_former_district_is_labelled(api_client):
    body = api_client.get("/api/v1/boundaries/097/", {"simplify": "200"}).json()
    assert body["properties"]["former"] is True
    assert body["properties"]["display_name"] == "Huyện Mường Chà (cũ)"
    assert body["properties"]["administration_ended"] == "2025-06-30"


def test_boundary_detail_by_code(api_client):
    response = api_client.get("/api/v1/boundaries/03334/")
    assert response.status_code == 200
    assert response.json()["properties"]["full_name"] == "Phường Mường Thanh"
    assert response.json()["properties"]["parent"] == "094"


def test_unknown_code_is_404(api_client):
    assert api_client.get("/api/v1/boundaries/99999/").status_code == 404


def test_no_edition_at_the_date_gives_an_empty_collection(api_client):
    body = api_client.get("/api/v1/boundaries/", {"at": "2020-01-01"}).json()
    assert body["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "huyen"}, "level"),
        ({"simplify": "-1"}, "simplify"),
        ({"simplify": "nan"}, "simplify"),
        ({"province": "1"}, "province"),
        ({"at": "yesterday"}, "at"),
    ],
)
def test_boundaries_bad_parameters_are_400(api_client, params, field):
    response = api_client.get("/api/v1/boundaries/", params)
    assert response.status_code == 400
    assert response.json()["field"] == field
