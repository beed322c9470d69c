"""GET /api/v1/category-suggest: the best active categories for a text, public and limited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gis_portal.throttles import PortalScopedThrottle

URL = "/api/v1/category-suggest"


def suggest(api_client, **params):
    return api_client.get(URL, params)


@pytest.mark.django_db
def test_suggests_at_most_three_categories_best_first(api_client, categories):
    response = suggest(api_client, text="Cột điện trước nhà bị nghiêng sắp đổ")
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert len(suggestions) == 3
    assert suggestions[0]["code"] == "ha-tang-dien"
    assert suggestions[0]["name"] == categories["ha-tang-dien"].name
    scores = [item["score"] for item in suggestions]
    assert scores == sorted(scores, reverse=True) and 0 < sum(scores) <= 1.001


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("cot dien nghieng", "ha-tang-dien"),
        ("rác ngập đường", "ve-sinh-moi-truong"),
        ("đèn đường hỏng", "ha-tang-chieu-sang"),
        ("ổ gà", "ha-tang-duong"),
        ("o ga", "ha-tang-duong"),
        ("nhân viên bán vé thái độ", "dich-vu-du-lich"),
    ],
)
def test_understands_colloquial_text_with_or_without_diacritics(api_client, categories, text, code):
    codes = [item["code"] for item in suggest(api_client, text=text).json()["suggestions"]]
    assert code in codes


@pytest.mark.django_db
def test_an_inactive_category_is_never_suggested(api_client, categories):
    categories["ha-tang-dien"].is_active = False
    categories["ha-tang-dien"].save()
    codes = [s["code"] for s in suggest(api_client, text="cột điện đổ").json()["suggestions"]]
    assert codes and "ha-tang-dien" not in codes


@pytest.mark.django_db
def test_a_served_model_answers_in_one_query_per_request(api_client, categories, settings):
    suggest(api_client, text="mất nước")  # the first request fits the seed model
    settings.SUGGEST_MODEL_CHECK_SECONDS = 3600
    with CaptureQueriesContext(connection) as queries:
        assert suggest(api_client, text="vỡ ống nước").status_code == 200
    assert len(queries) == 1  # the active categories


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "text", "Cần nhập nội dung"),
        ({"text": "   "}, "text", "Cần nhập nội dung"),
        ({"text": "x" * 2001}, "text", "dài quá 2000"),
        ({"text": "ổ gà\x00"}, "text", "không hợp lệ"),
        ({"text": "ổ gà", "lat": "bắc", "lon": "103"}, "lat", "phải là một số"),
        ({"text": "ổ gà", "lat": "21.4", "lon": "400"}, "lon", "phải là một số"),
        ({"text": "ổ gà", "lat": "nan", "lon": "103"}, "lat", "lat"),
        ({"text": "ổ gà", "lat": "21.4"}, "lon", "Cần gửi cả lat và lon"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_in_vietnamese(
    api_client, categories, params, field, words
):
    response = suggest(api_client, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field
    assert body["error"].startswith(f"{field}: ") and words in body["error"]


@pytest.mark.django_db
def test_a_place_is_accepted(api_client, categories):
    response = suggest(api_client, text="ổ gà to", lat="21.4156", lon="103.0578")
    assert response.status_code == 200
    assert response.json()["suggestions"][0]["code"] == "ha-tang-duong"


@pytest.mark.django_db
def test_anonymous_clients_are_limited_like_other_public_reads(api_client, categories, monkeypatch):
    monkeypatch.setitem(PortalScopedThrottle.THROTTLE_RATES, "category-suggest", "2/minute")
    assert [suggest(api_client, text="ổ gà").status_code for _ in range(2)] == [200, 200]
    refused = suggest(api_client, text="ổ gà")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers and refused.json()["field"] == "non_field_errors"
