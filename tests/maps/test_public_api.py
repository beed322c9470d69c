"""The public map's GeoJSON: verified, unhidden, non-private reports; filters; no identity."""

import pytest
from django.urls import reverse

from tests.maps.conftest import SECRET_NAME, SECRET_PHONE, XSS, add_photo

pytestmark = pytest.mark.django_db
URL = "maps-public-reports"


def refs(response) -> set[str]:
    return {f["properties"]["reference"] for f in response.json()["features"]}


def test_public_layer_shows_verified_reports_in_progress_and_resolved(
    api_client, public_set, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = api_client.get(reverse(URL))
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert refs(response) == {public_set[k].reference for k in ("visible", "visible_mt", "open")}


def test_reports_the_ioc_has_not_verified_stay_off_the_map(api_client, public_set, make_report):
    rejected = make_report(status="rejected")
    found = refs(api_client.get(reverse(URL)))
    assert public_set["submitted"].reference not in found
    assert rejected.reference not in found


def test_hidden_and_private_reports_never_appear_even_for_staff(client, public_set, planner):
    client.force_login(planner)
    found = refs(client.get(reverse(URL)))
    assert public_set["hidden"].reference not in found
    assert public_set["private"].reference not in found


def test_features_carry_popup_fields_and_never_the_reporter(api_client, public_set):
    add_photo(public_set["visible"])
    response = api_client.get(reverse(URL))
    text = response.content.decode()
    assert SECRET_NAME not in text and SECRET_PHONE not in text
    feature = next(
        f
        for f in response.json()["features"]
        if f["properties"]["reference"] == public_set["visible"].reference
    )
    props = feature["properties"]
    assert props["title"] == XSS  # JSON carries text; the page writes it with textContent
    assert props["category_name"] == "Vệ sinh môi trường"
    assert props["status_label"] == "Đã có kết quả"
    assert props["photo"].endswith("reports/test.jpg")
    assert props["url"] == f"/phan-anh/{public_set['visible'].reference}/"
    assert feature["geometry"]["type"] == "Point"
    assert set(props) >= {"created", "closed", "commune"}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"category": "ha-tang-duong"}, {"visible_mt"}),
        ({"category": "ve-sinh-moi-truong,ha-tang-duong"}, {"visible", "visible_mt", "open"}),
        ({"commune": "03334"}, {"visible_mt"}),
        ({"district": "094"}, {"visible", "visible_mt", "open"}),
        ({"status": "in_progress"}, {"open"}),
        ({"status": "published"}, {"visible", "visible_mt"}),
        ({"status": "submitted"}, set()),
        ({"bbox": "103.05,21.40,103.07,21.43"}, {"visible", "open"}),
    ],
)
def test_filters(api_client, public_set, params, expected):
    response = api_client.get(reverse(URL), params)
    assert response.status_code == 200
    assert refs(response) == {public_set[k].reference for k in expected}


def test_period_filter(api_client, public_set, make_report):
    old = make_report(age_days=400)
    recent = refs(api_client.get(reverse(URL), {"date_from": "2000-01-01"}))
    assert old.reference in recent
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert old.reference not in refs(
        api_client.get(
            reverse(URL),
            {"date_from": (timezone.localdate().replace(day=1)).isoformat(), "date_to": today},
        )
    )


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "bogus"}, "status"),
        ({"date_from": "2025-13-01"}, "date_from"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "date_to"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"commune": "12"}, "commune"),
    ],
)
def test_bad_filters_answer_400_naming_the_field(api_client, params, field):
    response = api_client.get(reverse(URL), params)
    assert response.status_code == 400
    assert response.json()["field"] == field
    assert response.json()["error"].startswith(f"{field}: ")


def test_count_tells_the_page_when_to_switch_to_tiles(api_client, public_set):
    body = api_client.get(reverse(URL), {"page_size": 1}).json()
    assert body["count"] == 3
    assert len(body["features"]) == 1
