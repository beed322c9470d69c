"""Heavy map endpoints are bounded: exports by a feature count (checked before the file is
built) and a request rate, the HTML report by a rate that counts staff too, the public GeoJSON
list by a rate and a paging depth, and hexagon grids by their number of cells."""

import pytest
from django.urls import reverse

from gis_portal.throttles import PortalScopedThrottle
from maps import hexgrid
from reports.models import Role
from tests.maps.conftest import DBP
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

GEOJSON = reverse("maps-export", args=["geojson"])
GPKG = reverse("maps-export", args=["gpkg"])
CITY_BOX = "103.00,21.35,103.10,21.45"  # about 10 × 11 km around the city centre


@pytest.fixture
def rates(monkeypatch):
    def set_rate(scope, rate):
        monkeypatch.setitem(PortalScopedThrottle.THROTTLE_RATES, scope, rate)

    return set_rate


@pytest.mark.parametrize("url", [GEOJSON, GPKG])
def test_anonymous_export_over_the_limit_is_refused_before_the_file_is_built(
    api_client, public_set, settings, django_assert_max_num_queries, url
):
    settings.MAPS_EXPORT_PUBLIC_MAX_FEATURES = 2
    with django_assert_max_num_queries(1):  # the count, nothing else
        refused = api_client.get(url)
    assert refused.status_code == 413
    body = refused.json()
    assert body["count"] == 3 and body["limit"] == 2
    assert "vượt giới hạn 2 phản ánh" in body["error"]
    assert "date_from" in body["error"] and "bbox" in body["error"]
    assert {"date_from", "commune", "bbox"} <= set(body["narrow"])
    narrowed = api_client.get(url, {"commune": "03334"})
    assert narrowed.status_code == 200


def test_citizens_have_the_public_limit_and_staff_a_larger_one(
    api_client, public_set, planner, citizen, settings
):
    settings.MAPS_EXPORT_PUBLIC_MAX_FEATURES = 2
    settings.MAPS_EXPORT_MAX_FEATURES = 6
    api_client.force_authenticate(citizen)
    assert api_client.get(GEOJSON).status_code == 413
    api_client.force_authenticate(planner)
    assert len(api_client.get(GEOJSON).json()["features"]) == 6
    settings.MAPS_EXPORT_MAX_FEATURES = 5
    refused = api_client.get(GEOJSON)
    assert refused.status_code == 413 and refused.json()["limit"] == 5


def test_exports_are_rate_limited_per_client_and_staff_have_their_own_rate(
    api_client, planner, rates
):
    rates("maps-export", "2/hour")
    rates("maps-export-staff", "3/hour")
    assert [api_client.get(GEOJSON).status_code for _ in range(3)] == [200, 200, 429]
    api_client.force_authenticate(planner)
    assert [api_client.get(GEOJSON).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_the_html_report_is_rate_limited_for_analysts_too(api_client, planner, rates):
    rates("maps-html-report", "2/hour")
    api_client.force_authenticate(planner)
    url = reverse("maps-html-report")
    answers = [api_client.get(url, {"unit": "99999"}).status_code for _ in range(3)]
    assert answers == [400, 400, 429]
    refused = api_client.get(url, {"unit": "03127"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["error"].startswith("Bạn đã gửi quá nhiều yêu cầu")


def test_public_geojson_list_is_rate_limited_for_anonymous_clients(api_client, rates):
    rates("maps-geojson", "2/minute")
    url = reverse("maps-public-reports")
    assert [api_client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_public_geojson_list_pages_only_so_deep_except_for_staff(
    api_client, public_set, planner, settings
):
    settings.MAPS_GEOJSON_PUBLIC_MAX_DEPTH = 2
    url = reverse("maps-public-reports")
    assert api_client.get(url, {"page_size": 1, "page": 2}).status_code == 200
    refused = api_client.get(url, {"page_size": 1, "page": 3})
    assert refused.status_code == 400 and refused.json()["field"] == "page"
    assert api_client.get(url, {"page_size": 1, "page": "last"}).status_code == 400
    assert "thu hẹp bộ lọc" in refused.json()["error"]
    api_client.force_authenticate(planner)
    assert api_client.get(url, {"page_size": 1, "page": 3}).status_code == 200


@pytest.mark.parametrize("name", ["maps-heatmap", "maps-hotspots"])
def test_a_one_metre_cell_is_refused_naming_the_field(client, planner, name):
    client.force_login(planner)
    response = client.get(reverse(name), {"cell": 1})
    assert response.status_code == 400
    assert response.json() == {"error": "cell: cỡ ô nhỏ nhất là 100 m.", "field": "cell"}
    too_big = client.get(reverse(name), {"cell": 50000})
    assert too_big.json() == {"error": "cell: cỡ ô lớn nhất là 20000 m.", "field": "cell"}


def test_hotspots_over_too_many_cells_are_refused_before_the_grid_is_built(client, planner):
    client.force_login(planner)
    built = hexgrid._study_area.cache_info().misses
    # 100-m hexagons over the province: ~370,000 cells (14 s and 0.5 GB of Gi* weights).
    response = client.get(reverse("maps-hotspots"), {"cell": 100})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "cell"
    assert "vượt giới hạn 65.000 ô" in body["error"]
    assert "hãy dùng ô từ 240 m trở lên" in body["error"]
    assert hexgrid._study_area.cache_info().misses == built
    # The finest zoom's cells (250 m) still fit.
    assert client.get(reverse("maps-hotspots"), {"zoom": 12}).status_code == 200


def test_a_fine_heatmap_needs_a_small_map_box(client, planner, make_report, settings):
    make_report(DBP, status="in_progress")
    client.force_login(planner)
    over_province = client.get(reverse("maps-heatmap"), {"cell": 100})
    assert over_province.status_code == 400
    assert "thu hẹp vùng bản đồ (bbox)" in over_province.json()["error"]
    in_city = client.get(reverse("maps-heatmap"), {"cell": 100, "bbox": CITY_BOX})
    assert in_city.status_code == 200 and len(in_city.json()["features"]) == 1
    settings.MAPS_HEX_MAX_CELLS = 1000
    assert client.get(reverse("maps-heatmap"), {"zoom": 9}).status_code == 200
    assert client.get(reverse("maps-heatmap"), {"zoom": 10}).status_code == 400


def test_cell_estimates_match_the_real_grid():
    # 250-m hexagons over Điện Biên: the study area has 60,148; the estimate is within 3 %.
    area = hexgrid._province().area_km2
    estimate = area * 1e6 / hexgrid.hexagon_area_m2(250)
    assert 58_000 < estimate < 62_000
    assert hexgrid.bbox_area_km2((103.0, 21.35, 103.1, 21.45)) == pytest.approx(115, rel=0.02)


def test_a_nul_byte_in_a_list_filter_is_a_clear_400(api_client):
    url = reverse("maps-public-reports")
    response = api_client.get(url, {"category": "ve-sinh\x00"})
    assert response.status_code == 400 and response.json()["field"] == "category"
    many = api_client.get(url, {"status": ",".join(["published"] * 51)})
    assert many.status_code == 400 and many.json()["field"] == "status"


def test_staff_are_counted_by_user_not_address(api_client, rates):
    rates("maps-export-staff", "1/hour")
    for n in range(2):
        api_client.force_authenticate(UserFactory(username=f"ioc-xuat-{n}", role=Role.IOC_OPERATOR))
        assert api_client.get(GEOJSON).status_code == 200
