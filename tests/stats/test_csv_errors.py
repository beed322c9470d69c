"""A bad request for a CSV export is a 400 naming the field, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/stats/", "/api/v1/stats", "/api/v1/stats/ranking"])
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "bad"}, "from"),
        ({"to": "2025-13-40"}, "to"),
        ({"from": "2025-10-02", "to": "2025-10-01"}, "to"),
    ],
)
def test_csv_request_with_a_bad_period_is_a_400_naming_the_field(client, url, params, field):
    response = client.get(url, {**params, "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Disposition" not in response
    assert response.json()["field"] == field


def test_csv_request_with_an_unknown_grouping_is_a_400_naming_the_field(client):
    response = client.get("/api/v1/stats/", {"by": "planet", "format": "csv"})
    assert response.status_code == 400
    assert response.json()["field"] == "by"


def test_csv_accept_header_error_is_answered_too(client):
    response = client.get("/api/v1/stats/ranking", {"from": "x"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response.json()["field"] == "from"


@pytest.mark.parametrize("url", ["/api/v1/stats/", "/api/v1/stats/ranking"])
def test_csv_answers_other_methods_with_405(client, url):
    response = client.post(f"{url}?format=csv")
    assert response.status_code == 405


@pytest.mark.parametrize(
    "params",
    [
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "9999-12-31"},
        {"to": "0001-01-01"},
    ],
)
def test_extreme_dates_are_answered(client, params):
    for url in ("/api/v1/stats/", "/api/v1/stats/ranking"):
        for fmt in ("json", "csv"):
            assert client.get(url, {**params, "format": fmt}).status_code in (200, 400)
