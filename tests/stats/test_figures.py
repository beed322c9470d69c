"""Statistics checked against the hand-computed figures of the fixture (see conftest)."""

from datetime import date

import pytest

from reports.deadlines import working_days_between
from reports.errors import ReportInvalid
from stats.selectors import StatsFilters, stats_by, stats_totals
from tests.stats.conftest import NOW

pytestmark = pytest.mark.django_db

ALL = StatsFilters()
ZERO = {
    "received": 0,
    "hidden": 0,
    "rejected": 0,
    "merged": 0,
    "open": 0,
    "resolved": 0,
    "resolved_on_time": 0,
    "resolved_with_extension": 0,
    "resolved_late": 0,
    "overdue_now": 0,
    "rated": 0,
    "satisfied": 0,
    "acceptable": 0,
    "unsatisfied": 0,
    "disputed": 0,
}


def counts(row: dict) -> dict:
    return {key: row[key] for key in ZERO}


def by_code(rows: list[dict]) -> dict:
    return {row["code"]: row for row in rows}


def test_fixture_working_days_match_the_reports_calendar():
    # The SQL count must agree with reports.deadlines (1-2/9/2025 are public holidays).
    assert working_days_between(start=date(2025, 8, 28), end=date(2025, 9, 3)) == 2
    assert working_days_between(start=date(2025, 9, 8), end=date(2025, 9, 18)) == 8
    assert working_days_between(start=date(2025, 9, 11), end=date(2025, 9, 24)) == 9


def test_totals(stats_fixture):
    totals = stats_totals(filters=ALL, now=NOW)
    assert counts(totals) == {
        **ZERO,
        "received": 8,
        "hidden": 1,
        "rejected": 1,
        "merged": 1,
        "open": 3,
        "resolved": 3,
        "resolved_on_time": 1,
        "resolved_with_extension": 1,
        "resolved_late": 1,
        "overdue_now": 2,
        "rated": 3,
        "satisfied": 1,
        "acceptable": 1,
        "unsatisfied": 1,
        "disputed": 1,
    }
    assert totals["median_working_days"] == 8.0
    # (1 + 1) timely of 3 resolved + 2 overdue.
    assert totals["on_time_pct"] == 40.0
    # 3 resolved of 8 - 1 rejected - 1 merged.
    assert totals["resolved_pct"] == 50.0


def test_per_agency_counts_hidden_reports(stats_fixture):
    rows = by_code(stats_by(dimension="agency", filters=ALL, now=NOW))
    assert set(rows) == {"stats-ubnd-dbp", "stats-so-xay-dung", None}
    a = rows["stats-ubnd-dbp"]
    assert a["name"] == "UBND phường Điện Biên Phủ"
    assert counts(a) == {
        **ZERO,
        "received": 3,
        "hidden": 1,
        "resolved": 3,
        "resolved_on_time": 1,
        "resolved_with_extension": 1,
        "resolved_late": 1,
        "rated": 3,
        "satisfied": 1,
        "acceptable": 1,
        "unsatisfied": 1,
        "disputed": 1,
    }
    assert a["median_working_days"] == 8.0
    b = rows["stats-so-xay-dung"]
    assert counts(b) == {**ZERO, "received": 2, "open": 2, "overdue_now": 1}
    assert b["median_working_days"] is None
    unassigned = rows[None]
    assert unassigned["name"] == "Chưa giao cơ quan (IOC)"
    assert counts(unassigned) == {
        **ZERO,
        "received": 3,
        "rejected": 1,
        "merged": 1,
        "open": 1,
        "overdue_now": 1,
    }


def test_per_category_median_interpolates(stats_fixture):
    rows = by_code(stats_by(dimension="category", filters=ALL, now=NOW))
    rac, duong = rows["stats-rac"], rows["stats-duong"]
    assert (rac["received"], duong["received"]) == (6, 2)
    # Resolved rác reports took 2 and 8 working days.
    assert rac["median_working_days"] == 5.0
    assert duong["median_working_days"] == 9.0
    assert (duong["hidden"], duong["resolved_late"], duong["overdue_now"]) == (1, 1, 1)


def test_per_commune_and_former_district(stats_fixture):
    communes = by_code(stats_by(dimension="commune", filters=ALL, now=NOW))
    assert {code: row["received"] for code, row in communes.items()} == {
        "03127": 5,
        "03253": 2,
        "03334": 1,
    }
    assert communes["03127"]["median_working_days"] == 5.0
    districts = by_code(stats_by(dimension="district", filters=ALL, now=NOW))
    assert {code: row["received"] for code, row in districts.items()} == {"094": 6, "099": 2}
    assert districts["094"]["overdue_now"] == 1
    assert districts["099"]["overdue_now"] == 1
    assert districts["099"]["hidden"] == 1


def test_per_month(stats_fixture):
    months = by_code(stats_by(dimension="month", filters=ALL, now=NOW))
    assert {code: row["received"] for code, row in months.items()} == {
        "2025-08": 1,
        "2025-09": 2,
        "2025-10": 5,
    }
    assert months["2025-09"]["median_working_days"] == 8.5
    assert months["2025-09"]["name"] == "2025-09"


def test_period_filter_uses_local_dates(stats_fixture):
    september = StatsFilters(date_from=date(2025, 9, 1), date_to=date(2025, 9, 30))
    totals = stats_totals(filters=september, now=NOW)
    assert (totals["received"], totals["resolved"], totals["hidden"]) == (2, 2, 1)
    assert totals["median_working_days"] == 8.5


def test_overdue_depends_on_now(stats_fixture):
    before = stats_totals(filters=ALL, now=NOW.replace(day=8))
    # On 8/10, R4 (due 9/10) was not yet late and R7/R8 did not exist as overdue.
    assert before["overdue_now"] == 0


def test_bad_dimension_and_period_are_refused(stats_fixture):
    with pytest.raises(ReportInvalid) as bad:
        stats_by(dimension="planet", filters=ALL)
    assert bad.value.field == "by"
    with pytest.raises(ReportInvalid):
        stats_totals(filters=StatsFilters(date_from=date(2025, 10, 1), date_to=date(2025, 9, 1)))


def test_each_table_is_one_query(stats_fixture, django_assert_max_num_queries):
    for dimension in ("agency", "commune", "district", "category", "month"):
        with django_assert_max_num_queries(1):
            stats_by(dimension=dimension, filters=ALL, now=NOW)
