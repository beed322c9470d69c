"""Agency ranking: the stated formula, ties shared, small samples set apart."""

import pytest

from stats import ranking
from stats.selectors import StatsFilters
from tests.stats.conftest import NOW

pytestmark = pytest.mark.django_db


def row(code, *, on_time=0, extension=0, late=0, overdue=0, sat=0, acc=0, unsat=0):
    return {
        "code": code,
        "name": f"Cơ quan {code}",
        "resolved": on_time + extension + late,
        "resolved_on_time": on_time,
        "resolved_with_extension": extension,
        "overdue_now": overdue,
        "rated": sat + acc + unsat,
        "satisfied": sat,
        "acceptable": acc,
        "unsatisfied": unsat,
    }


def test_fixture_ranking_with_the_formula(stats_fixture, settings):
    settings.STATS_RANKING_MIN_CASES = 2
    settings.STATS_RANKING_MIN_RATINGS = 2
    rows = ranking.agency_ranking(filters=StatsFilters(), now=NOW)
    first, second = rows
    # A: T = 2/3 (on time + with extension, of 3 cases), S = (1 + 0.5 × 1) / 3.
    assert first["code"] == "stats-ubnd-dbp"
    assert first["rank"] == 1
    assert first["timeliness"] == pytest.approx(2 / 3, abs=1e-4)
    assert first["satisfaction"] == 0.5
    assert first["score"] == 60.0
    # B: one overdue case, no rating — flagged, not ranked; the unassigned group is left out.
    assert second["code"] == "stats-so-xay-dung"
    assert second["rank"] is None and second["small_sample"]
    assert len(second["flags"]) == 2


def test_ties_share_a_rank_and_small_samples_are_not_ranked(monkeypatch, settings):
    settings.STATS_RANKING_MIN_CASES = 10
    settings.STATS_RANKING_MIN_RATINGS = 5
    rows = [
        row("a", on_time=10, sat=5),  # T=1, S=1 → 100
        row("b", on_time=8, late=2, sat=10),  # T=0.8, S=1 → 88
        row("c", on_time=8, overdue=2, sat=10),  # T=0.8, S=1 → 88
        row("d", on_time=5, late=5, acc=10),  # T=0.5, S=0.5 → 50
        row("e", on_time=3, sat=3),  # perfect but tiny: flagged
        row("f", on_time=20, sat=2, unsat=2),  # T=1, S=0.5 → 80, but too few ratings
    ]
    monkeypatch.setattr(ranking, "stats_by", lambda **kwargs: rows)
    result = ranking.agency_ranking(filters=StatsFilters())
    assert [(r["code"], r["rank"], r["score"]) for r in result] == [
        ("a", 1, 100.0),
        ("b", 2, 88.0),
        ("c", 2, 88.0),
        ("d", 4, 50.0),
        ("f", None, 80.0),
        ("e", None, 100.0),
    ]
    assert result[-1]["flags"] == [
        "mẫu nhỏ: 3 phản ánh (cần ≥ 10)",
        "mẫu nhỏ: 3 đánh giá (cần ≥ 5)",
    ]


def test_formula_is_stated_with_the_thresholds(settings):
    settings.STATS_RANKING_MIN_CASES = 7
    text = ranking.formula_text()
    assert "0,6 × T + 0,4 × S" in text
    assert "ít hơn 7 phản ánh" in text
