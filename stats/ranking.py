"""Ranking of agencies on timeliness and satisfaction, with small samples set apart."""

from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stats.selectors import StatsFilters, stats_by

TIMELINESS_WEIGHT = 0.6
SATISFACTION_WEIGHT = 0.4
ACCEPTABLE_CREDIT = 0.5

FORMULA = gettext_lazy(
    "Điểm = 100 × (0,6 × T + 0,4 × S). "
    "T (tỷ lệ đúng hạn) = (có kết quả đúng hạn + có kết quả đúng hạn đã gia hạn) ÷ "
    "(có kết quả + đang quá hạn). "
    "S (mức hài lòng) = (Hài lòng + 0,5 × Chấp nhận được) ÷ số đánh giá. "
    "Cơ quan có ít hơn %(min_cases)s phản ánh tính vào T hoặc ít hơn %(min_ratings)s đánh giá "
    "được đánh dấu “mẫu nhỏ” và không xếp hạng. Cùng điểm thì cùng hạng."
)


def min_cases() -> int:
    return settings.STATS_RANKING_MIN_CASES


def min_ratings() -> int:
    return settings.STATS_RANKING_MIN_RATINGS


def formula_text() -> str:
    return FORMULA % {"min_cases": min_cases(), "min_ratings": min_ratings()}


def ranking_flags(*, cases: int, rated: int) -> list[str]:
    """Why an agency is not ranked, in the reader's language (stored figures keep the counts)."""
    flags = []
    if cases < min_cases():
        flags.append(
            _("mẫu nhỏ: %(n)s phản ánh (cần ≥ %(min)s)") % {"n": cases, "min": min_cases()}
        )
    if rated < min_ratings():
        flags.append(
            _("mẫu nhỏ: %(n)s đánh giá (cần ≥ %(min)s)") % {"n": rated, "min": min_ratings()}
        )
    return flags


def _score(row: dict) -> dict:
    cases = row["resolved"] + row["overdue_now"]
    timely = row["resolved_on_time"] + row["resolved_with_extension"]
    timeliness = timely / cases if cases else None
    satisfaction = (
        (row["satisfied"] + ACCEPTABLE_CREDIT * row["acceptable"]) / row["rated"]
        if row["rated"]
        else None
    )
    flags = ranking_flags(cases=cases, rated=row["rated"])
    score = None
    if timeliness is not None and satisfaction is not None:
        score = round(
            100 * (TIMELINESS_WEIGHT * timeliness + SATISFACTION_WEIGHT * satisfaction), 1
        )
    return {
        "code": row["code"],
        "name": row["name"],
        "cases": cases,
        "rated": row["rated"],
        "timeliness": None if timeliness is None else round(timeliness, 4),
        "satisfaction": None if satisfaction is None else round(satisfaction, 4),
        "score": score,
        "small_sample": bool(flags),
        "flags": flags,
        "rank": None,
    }


def agency_ranking(*, filters: StatsFilters, now: datetime | None = None) -> list[dict]:
    """Ranked agencies first (competition ranking: 1, 2, 2, 4), then the flagged ones."""
    return agency_ranking_of(stats_by(dimension="agency", filters=filters, now=now))


def agency_ranking_of(agency_rows: list[dict]) -> list[dict]:
    """The ranking of rows already grouped by agency (stats_by), with no query of its own."""
    rows = [_score(row) for row in agency_rows]
    rows = [row for row in rows if row["code"] is not None]
    ranked = sorted(
        (row for row in rows if not row["small_sample"]),
        key=lambda row: (-row["score"], row["name"]),
    )
    previous_score, previous_rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if row["score"] != previous_score:
            previous_rank, previous_score = position, row["score"]
        row["rank"] = previous_rank
    flagged = sorted(
        (row for row in rows if row["small_sample"]),
        key=lambda row: (-row["cases"], row["name"]),
    )
    return ranked + flagged
