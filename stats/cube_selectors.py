"""Every figure of a period read from the summary (stats.cube): three grouped queries over
the cells, whatever the period, instead of grouping every report.

Counts are sums of the cells; the median of working days is read from their exact histogram
(percentile_cont's own interpolation); "overdue now" is the open reports whose deadline's
local day is before today (stats.cube_sql.overdue_sql), plus, one by one, those due today
before now.
"""

from datetime import date, datetime, time, timedelta
from math import ceil, floor
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.utils import timezone

from stats.cube_sql import (
    CELL_COLUMNS,
    KINDS,
    MONTH_KIND,
    TOTAL_KIND,
    counts_sql,
    days_sql,
    overdue_sql,
    ranges_where,
)
from stats.selectors import COUNT_FIELDS, DIMENSIONS, StatsFilters, rates

FIRST_DAY = date(1, 1, 1)
# After any report; also the bound of an open-ended period.
LAST_DAY = date(9999, 1, 1)
DIMENSION_OF_KIND = {kind: name for name, (kind, _, _) in KINDS.items()} | {MONTH_KIND: "month"}


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def cube_days(filters: StatsFilters) -> tuple[date, date]:
    """The period's first local day and the day after its last (clamped to the cells' span)."""
    low = min(filters.date_from or FIRST_DAY, LAST_DAY)
    high = LAST_DAY if filters.date_to is None else min(filters.date_to, LAST_DAY) + timedelta(1)
    return low, max(low, high)


def cube_ranges(filters: StatsFilters) -> list[tuple[str, date, date]]:
    """The cells covering the period: whole months as month cells, the rest as day cells."""
    low, high = cube_days(filters)
    month_low = low if low.day == 1 else _next_month(low)
    month_high = high.replace(day=1)
    if month_low < month_high:
        return [("m", month_low, month_high), ("d", low, month_low), ("d", month_high, high)]
    return [("d", low, high)]


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """percentile_cont(0.5) of the values the histogram (value, count; ascending) holds."""
    total = sum(count for _, count in histogram)
    if not total:
        return None
    position = 0.5 * (total - 1)
    wanted = (floor(position), ceil(position))
    found, seen = {}, 0
    for value, count in histogram:
        for index in wanted:
            if seen <= index < seen + count:
                found[index] = value
        seen += count
    low, high = float(found[wanted[0]]), float(found[wanted[1]])
    return low + (high - low) * (position - wanted[0])


def _row(counts: dict, median: float | None, overdue: int) -> dict:
    """The figures in the live computation's order, with its rounding and shares."""
    row = {}
    for name in COUNT_FIELDS:
        row[name] = overdue if name == "overdue_now" else counts.get(name, 0)
        if name == "resolved_late":
            row["median_working_days"] = None if median is None else round(median, 1)
    row.update(rates(row))
    return row


def stats_cube_figures(*, filters: StatsFilters, now: datetime) -> tuple[dict, dict]:
    """(totals, rows per dimension) of the period, as the summary holds them at `now`."""
    where, params = ranges_where(cube_ranges(filters))
    tz = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localtime(now, tz).date()
    low, high = cube_days(filters)
    cells = _fetch(counts_sql(where), params)
    histograms: dict[tuple, list] = {}
    for kind, code, name, days, n in _fetch(days_sql(where), params):
        histograms.setdefault((kind, code, name), []).append((days, n))
    overdue_params = [*params, today, datetime.combine(today, time.min, tz), now, low, high]
    overdue = {
        (kind, code, name): n for kind, code, name, n in _fetch(overdue_sql(where), overdue_params)
    }
    totals = _row({}, None, 0)
    by: dict[str, list] = {dimension: [] for dimension in DIMENSIONS}
    for kind, code, name, *sums in cells:
        key = (kind, code, name)
        counts = dict(zip(CELL_COLUMNS, sums, strict=True))
        row = _row(
            counts, _median(histograms.get(key, [])), counts["overdue_past"] + overdue.get(key, 0)
        )
        if kind == TOTAL_KIND:
            totals = row
            continue
        dimension = DIMENSION_OF_KIND[kind]
        label = name if code is not None else DIMENSIONS[dimension][1]
        by[dimension].append({"code": code, "name": label, **row})
    return totals, by
