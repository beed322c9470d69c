"""/api/v1/stats in JSON and CSV, the ranking endpoint, and the public page."""

import csv
import io

import pytest
from django.utils import timezone

from reports.models import Role
from stats.csv import csv_cell
from stats.services import stats_snapshot_refresh
from tests.reports.factories import UserFactory
from tests.stats import conftest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: conftest.NOW)


def test_stats_json_by_agency(client, stats_fixture):
    response = client.get("/api/v1/stats", {"by": "agency"})
    assert response.status_code == 200
    data = response.json()
    assert data["by"] == "agency"
    assert data["totals"]["received"] == 8
    assert data["totals"]["hidden"] == 1
    rows = {row["code"]: row for row in data["rows"]}
    assert rows["stats-ubnd-dbp"]["median_working_days"] == 8.0
    assert rows["stats-ubnd-dbp"]["hidden"] == 1
    assert "received" in data["definitions"]


@pytest.mark.parametrize("dimension", ["commune", "district", "category", "month"])
def test_stats_json_other_dimensions(client, stats_fixture, dimension):
    data = client.get("/api/v1/stats/", {"by": dimension}).json()
    assert sum(row["received"] for row in data["rows"]) == 8


def test_stats_period_and_errors(client, stats_fixture):
    data = client.get("/api/v1/stats", {"by": "month", "from": "2025-10-01"}).json()
    assert [row["code"] for row in data["rows"]] == ["2025-10"]
    bad = client.get("/api/v1/stats", {"by": "planet"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "by"
    assert client.get("/api/v1/stats", {"from": "1/10/2025"}).json()["field"] == "from"


def test_stats_csv(client, stats_fixture):
    response = client.get("/api/v1/stats", {"by": "district", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="thong-ke-district.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_code = {row["code"]: row for row in rows}
    assert by_code["099"]["received"] == "2"
    assert by_code["099"]["hidden"] == "1"
    assert by_code["099"]["median_working_days"] == "9.0"


def test_csv_neutralises_formula_cells(client, stats_fixture):
    stats_fixture.agency_a.name = '=HYPERLINK("http://evil")'
    stats_fixture.agency_a.save()
    text = client.get("/api/v1/stats", {"by": "agency", "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert '\'=HYPERLINK("http://evil")' in names
    assert all(not name.startswith(("=", "+", "-", "@")) for name in names)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+84 912", "'+84 912"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Sở Xây dựng", "Sở Xây dựng"),
        (-3, "-3"),
        (2.5, "2.5"),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected


def test_ranking_json_and_csv(client, stats_fixture, settings):
    settings.STATS_RANKING_MIN_CASES = 2
    settings.STATS_RANKING_MIN_RATINGS = 2
    data = client.get("/api/v1/stats/ranking").json()
    assert "0,6 × T + 0,4 × S" in data["formula"]
    assert data["rows"][0]["rank"] == 1 and data["rows"][0]["score"] == 60.0
    response = client.get("/api/v1/stats/ranking", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["rank"] == "1"
    assert rows[1]["small_sample"] == "true"


def test_stats_endpoint_query_count(api_client, stats_fixture, django_assert_max_num_queries):
    stats_snapshot_refresh()
    # Anonymous: the snapshot row.
    with django_assert_max_num_queries(1):
        assert api_client.get("/api/v1/stats", {"by": "commune"}).status_code == 200
    # Staff compute live: one table and the totals.
    api_client.force_authenticate(UserFactory(username="stats-live", role=Role.IOC_OPERATOR))
    with django_assert_max_num_queries(2):
        assert api_client.get("/api/v1/stats", {"by": "commune"}).status_code == 200


def test_public_page_has_tables_charts_and_formula(client, stats_fixture, settings):
    settings.STATS_RANKING_MIN_CASES = 2
    settings.STATS_RANKING_MIN_RATINGS = 2
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "0,6 × T + 0,4 × S" in html
    for table in ("ranking", "table-agency", "table-district", "table-commune", "table-month"):
        assert f'id="{table}"' in html
    assert html.count("<svg") == 10
    assert "UBND phường Điện Biên Phủ" in html
    # Nothing is loaded from another host.
    assert "https://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert '<script src="http' not in html


def test_public_page_reports_a_bad_date(client, stats_fixture):
    response = client.get("/thong-ke/", {"from": "hôm qua"})
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()


def test_page_escapes_names_in_charts(client, stats_fixture):
    stats_fixture.agency_a.name = "<script>alert(1)</script>"
    stats_fixture.agency_a.save()
    html = client.get("/thong-ke/").content.decode()
    assert "<script>alert(1)</script>" not in html
