"""The API of the upper apps answers in its reader's language (issue 14 §5): an error of the
statistics API or of Open311 is English to Accept-Language: en, and stays exactly the
Vietnamese it always was without one.

The English checks need the merged English catalogue (locale/en, from /tmp/po/i18n_apps.po)."""

import json

import pytest

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_stats_error_answers_in_english_to_accept_language_en(client):
    response = client.get("/api/v1/stats/", {"by": "planet"}, **ENGLISH)
    assert response.status_code == 400
    assert response.json() == {
        "error": "There is no grouping “planet” (use: agency, commune, district, category, month).",
        "field": "by",
    }


def test_a_stats_error_stays_vietnamese_without_a_language(client):
    response = client.get("/api/v1/stats/", {"by": "planet"})
    assert response.status_code == 400
    assert response.json()["error"] == (
        "Không có cách nhóm “planet” (dùng: agency, commune, district, category, month)."
    )


def test_an_open311_error_answers_in_english_in_the_spec_shape(client):
    response = client.get("/open311/v2/services/khong-co.json", **ENGLISH)
    assert response.status_code == 404
    assert json.loads(response.content) == [
        {"code": 404, "description": "There is no service “khong-co”."}
    ]
