"""The page's trend, rating and map charts and its this-month-against-last summary: their
figures equal the live computation, their SVG is well-formed and described, and each chart's
table and CSV carry the same numbers."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from boundaries.models import AdminUnit
from reports.models import Report
from stats import visuals
from stats.outlines import boundaries_version, commune_outlines
from stats.selectors import StatsFilters, stats_totals
from stats.services import stats_snapshot_refresh
from stats.summary import stats_summary_compute, stats_summary_read
from tests.stats import conftest

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: conftest.NOW)


@pytest.fixture
def boundary_fixture(stats_fixture):
    """R5 received at 00:30 on 1 October local time: still September in UTC."""
    moment = datetime(2025, 10, 1, 0, 30, tzinfo=conftest.TZ)
    Report.objects.filter(pk=stats_fixture.reports["R5"].pk).update(created_at=moment)
    stats_snapshot_refresh()
    return stats_fixture


def _charts(summary):
    return visuals.page_charts(
        filters=StatsFilters(),
        totals=summary.totals,
        by=summary.payload["by"],
        recent_months=summary.recent_months,
        boundaries_version=summary.boundaries_version,
        today=conftest.NOW.date(),
    )


def _month_filters(code: str) -> StatsFilters:
    first = date.fromisoformat(code + "-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return StatsFilters(date_from=first, date_to=date.fromordinal(following.toordinal() - 1))


def test_month_charts_equal_each_month_computed_live_in_local_time(boundary_fixture):
    charts = _charts(stats_summary_read(filters=StatsFilters(), now=conftest.NOW))
    months = charts["months"].rows
    assert [row["code"] for row in months][0] == "2024-11"
    assert [row["code"] for row in months][-1] == "2025-10"
    counts = {row["code"]: row["received"] for row in months if row["received"]}
    assert counts == {"2025-08": 1, "2025-09": 2, "2025-10": 5}
    for month, share in zip(months, charts["on-time"].rows, strict=True):
        live = stats_totals(filters=_month_filters(month["code"]), now=conftest.NOW)
        for key in ("received", "resolved", "open", "rejected", "merged"):
            assert month[key] == live[key], (month["code"], key)
        assert share["on_time_pct"] == live["on_time_pct"]
    shares = {row["code"]: row["on_time_pct"] for row in charts["on-time"].rows}
    assert (shares["2025-08"], shares["2025-09"], shares["2025-10"]) == (100.0, 50.0, 0.0)
    assert shares["2025-07"] is None


def test_every_chart_from_the_summary_equals_the_live_one(boundary_fixture):
    live = _charts(stats_summary_compute(filters=StatsFilters(), now=conftest.NOW))
    read = _charts(stats_summary_read(filters=StatsFilters(), now=conftest.NOW))
    for name in visuals.CHARTS:
        assert read[name].rows == live[name].rows, name


def test_satisfaction_split_counts_and_shares(stats_fixture):
    chart = _charts(stats_summary_compute(filters=StatsFilters(), now=conftest.NOW))["satisfaction"]
    assert [(r["name"], r["count"], r["pct"]) for r in chart.rows] == [
        ("Hài lòng", 1, 33.3),
        ("Chấp nhận được", 1, 33.3),
        ("Không hài lòng", 1, 33.3),
    ]


def test_choropleth_has_every_commune_with_its_density_and_class(stats_fixture):
    chart = _charts(stats_summary_compute(filters=StatsFilters(), now=conftest.NOW))["communes"]
    units = AdminUnit.objects.filter(
        level="commune", province_code="11", administration_ended__isnull=True, edition__slug="2025"
    )
    assert len(chart.rows) == units.count() == 45
    rows = {row["code"]: row for row in chart.rows}
    area = {u.code: u.area_km2 for u in units}
    # Hidden reports count in the figures, as in every table of the page (R3 in 03253).
    assert {c: r["received"] for c, r in rows.items() if r["received"]} == {
        "03127": 5,
        "03253": 2,
        "03334": 1,
    }
    assert rows["03253"]["per_10km2"] == round(20 / area["03253"], 2)
    assert {r["class"] for c, r in rows.items() if not r["received"]} == {1}
    assert all(2 <= rows[c]["class"] <= 5 for c in ("03127", "03253", "03334"))
    assert chart.extra["elsewhere"] == 0


def test_class_breaks_make_at_most_five_classes():
    breaks = visuals.class_breaks([0, 1, 2, 3, 4, 5, 6, 7, 8])
    assert breaks == [2, 4, 6, 8]
    assert [visuals.class_of(v, breaks) for v in (0, 1, 3, 5, 8)] == [1, 2, 3, 4, 5]
    assert visuals.class_breaks([0, 0]) == []


def test_summary_compares_this_month_with_last_whatever_the_period(client, boundary_fixture):
    html = client.get("/thong-ke/", {"from": "2025-08-01", "to": "2025-08-31"}).content.decode()
    rows = _csv(client.get("/thong-ke/", {"format": "csv", "chart": "summary"}))
    received = next(r for r in rows if r["name"] == "Tiếp nhận")
    assert (received["this"], received["last"], received["change"]) == ("5", "2", "3")
    assert "tăng 3" in html
    assert "Tháng này so với tháng trước" in html


def test_svgs_are_well_formed_and_described(client, stats_fixture):
    html = client.get("/thong-ke/").content.decode()
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(svgs) == 10
    for text in svgs[:4]:
        svg = ET.fromstring(text)
        assert svg.get("role") == "img"
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title.text and desc.text
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "vietnamese-provinces-database" in html
    # Series differ by pattern, not by colour alone.
    assert 'fill="url(#m-open)"' in html and "<pattern" in html
    assert html.count("<path d=") >= 45
    assert "Phản ánh ST-R3" not in html and "ST-R3" not in html


class _Tables(HTMLParser):
    """The cells of each table with an id."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id"):
            self.current = self.tables.setdefault(attrs["id"], [])
        elif tag == "tr" and self.current is not None:
            self.current.append([])
        elif tag in ("td", "th") and self.current is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.current[-1].append(self.cell.strip())
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", ["months", "on-time", "satisfaction", "communes"])
def test_table_and_csv_carry_the_same_numbers(client, stats_fixture, name):
    parser = _Tables()
    parser.feed(client.get("/thong-ke/").content.decode())
    header, *body = parser.tables[f"table-chart-{name}"]
    response = client.get("/thong-ke/", {"format": "csv", "chart": name})
    assert f'filename="thong-ke-{name}.csv"' in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == len(body)
    for cells, row in zip(body, rows, strict=True):
        shown = [value.replace(",", ".") for value in cells]
        assert shown == [value or "—" for value in row.values()]


def test_chart_csv_keeps_the_period_and_names_a_bad_chart(client, stats_fixture):
    params = {"format": "csv", "chart": "months", "from": "2025-09-01"}
    rows = _csv(client.get("/thong-ke/", params))
    assert [(r["code"], r["received"]) for r in rows] == [("2025-09", "2"), ("2025-10", "5")]
    bad = client.get("/thong-ke/", {"format": "csv", "chart": "pie"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "chart"


def test_page_with_its_charts_reads_one_row(client, stats_fixture, django_assert_max_num_queries):
    stats_snapshot_refresh()
    client.get("/thong-ke/")
    # The snapshot row: this month against last and the boundaries' version are in it, the
    # outlines in the cache.
    for period in ({}, {"from": "2025-01-01"}):
        with django_assert_max_num_queries(1):
            assert client.get("/thong-ke/", period).status_code == 200
        with django_assert_max_num_queries(1):
            params = {**period, "format": "csv", "chart": "communes"}
            assert client.get("/thong-ke/", params).status_code == 200


def test_outlines_are_drawn_once_per_boundaries_version(stats_fixture, django_assert_num_queries):
    version = boundaries_version()
    commune_outlines(version=version, at=conftest.NOW.date())
    with django_assert_num_queries(0):
        outlines = commune_outlines(version=version, at=conftest.NOW.date())
    assert len(outlines.communes) == 45
    assert outlines.edition
    assert all(0 <= u.label_x <= outlines.width for u in outlines.communes)


def test_page_draws_every_chart_with_no_report_yet(client, db):
    response = client.get("/thong-ke/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in re.findall(r"<svg.*?</svg>", html, re.S):
        ET.fromstring(text)
    assert "Chưa có đánh giá." in html
    assert "không so sánh được" in html
