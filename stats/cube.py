"""The summary the statistics are read from, kept up to date one changed report at a time.

Each report's contribution is a StatsFact row: its local day, groupings and 0/1 flags,
computed by the live computation's own expressions (stats.selectors.figure_filters and
stats_annotated), so a fact counts exactly what the live figures count. The cells hold the
sums of the facts per local day and per month, for the totals and each grouping; a period is
answered from whole months and the days at its edges (stats.cube_selectors).

Triggers (migration 0002) note every changed report in StatsChange within the writing
transaction. A fold (Celery beat every few seconds, and before any summary is computed) takes
the notes, subtracts the noted reports' old facts from the cells and adds their new ones: the
cells always equal the sums of the facts, and the facts equal the reports as of the fold.
A rebuild recomputes everything (first run, or after a change of time zone or calendar).
"""

import time as clock
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    DateTimeField,
    F,
    IntegerField,
    Q,
    SmallIntegerField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from reports import policy
from reports.models import Report
from stats.cube_sql import (
    FLAG_COLUMNS,
    KINDS,
    cells_clear_sql,
    cells_prune_sql,
    changes_take_sql,
    facts_delete_all_sql,
    facts_delete_sql,
    facts_insert_sql,
    fold_params,
    fold_sql,
    tables_analyze_sql,
)
from stats.models import StatsChange, StatsCubeState
from stats.selectors import (
    MEDIAN_FILTER,
    StatsFilters,
    figure_filters,
    stats_annotated,
    stats_reports,
)

# pg_advisory_xact_lock key: one fold or rebuild at a time, across every process.
LOCK_KEY = 0x5747_0413


@dataclass(frozen=True)
class CubeFold:
    reports: int
    rebuilt: bool
    skipped: bool
    seconds: float


def overdue_from() -> Case:
    """The moment from which reports.deadlines.overdue_q counts a report: its deadline while
    it is open (the verification deadline while unverified, the handling deadline after)."""
    submitted = Q(status=Report.Status.SUBMITTED)
    return Case(
        When(policy.OPEN_Q & submitted, then=F("verify_due_at")),
        When(policy.OPEN_Q, then=F("due_at")),
        default=None,
        output_field=DateTimeField(),
    )


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=SmallIntegerField())


def stats_facts(*, report_ids: list[int] | None, now: datetime):
    """The facts of the given reports (all when None), columns named c_<fact column>."""
    reports = stats_reports(filters=StatsFilters())
    if report_ids is not None:
        reports = reports.filter(pk__in=report_ids)
    reports = stats_annotated(reports, now=now)
    filters = figure_filters(now=now)
    members = {
        f"c_{column}": Coalesce(F(f"{field}_id"), Value(0), output_field=BigIntegerField())
        for _, field, column in KINDS.values()
    }
    columns = {
        "c_report_id": F("pk"),
        "c_day": TruncDate("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
        **members,
        "c_working_days": Case(
            When(MEDIAN_FILTER, then=F("working_days")), default=None, output_field=IntegerField()
        ),
        "c_overdue_from": overdue_from(),
        **{f"c_{name}": _flag(filters[name]) for name in FLAG_COLUMNS},
    }
    return reports.order_by().annotate(**columns).values(*columns)


def _add_facts(cursor, *, report_ids: list[int] | None, now: datetime) -> int:
    sql, params = stats_facts(report_ids=report_ids, now=now).query.sql_with_params()
    cursor.execute(
        fold_sql(facts_insert_sql(sql)),
        fold_params(list(params), sign=1, time_zone=settings.TIME_ZONE, today=_today(now)),
    )
    return cursor.fetchone()[0]


def _refold(cursor, report_ids: list[int], *, now: datetime) -> None:
    """Replace the facts of these reports (gone ones just leave) and their sums in the cells."""
    cursor.execute(
        fold_sql(facts_delete_sql()),
        fold_params([report_ids], sign=-1, time_zone=settings.TIME_ZONE, today=_today(now)),
    )
    _add_facts(cursor, report_ids=report_ids, now=now)


def _today(now: datetime):
    return timezone.localtime(now, ZoneInfo(settings.TIME_ZONE)).date()


def _lock(cursor, *, wait: bool) -> bool:
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
    return cursor.fetchone()[0]


def _current(state: StatsCubeState | None) -> bool:
    return (
        state is not None
        and state.time_zone == settings.TIME_ZONE
        and state.holiday_country == settings.REPORTS_HOLIDAY_COUNTRY
    )


def _rebuild(cursor, *, now: datetime) -> int:
    started = clock.perf_counter()
    # Notes written after this statement's snapshot stay for the next fold (which recomputes
    # those reports again: folding a report twice leaves the same facts).
    StatsChange.objects.all().delete()
    cursor.execute(facts_delete_all_sql())
    for statement in cells_clear_sql():
        cursor.execute(statement)
    count = _add_facts(cursor, report_ids=None, now=now)
    for statement in tables_analyze_sql():
        cursor.execute(statement)
    StatsCubeState.objects.all().delete()
    StatsCubeState.objects.create(
        built_at=now,
        time_zone=settings.TIME_ZONE,
        holiday_country=settings.REPORTS_HOLIDAY_COUNTRY,
        rebuild_seconds=round(clock.perf_counter() - started, 3),
    )
    return count


def stats_cube_rebuild(*, now: datetime | None = None) -> CubeFold:
    """Recompute every fact and cell (waits for a fold in progress)."""
    started = clock.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor, wait=True)
        count = _rebuild(cursor, now=now or timezone.now())
    return CubeFold(count, True, False, round(clock.perf_counter() - started, 3))


def stats_cube_fold(*, wait: bool = False, now: datetime | None = None) -> CubeFold:
    """Fold every noted change into the summary (rebuild it when it was never built or its
    time zone or calendar changed, or when more than STATS_CUBE_REBUILD_ABOVE reports wait).

    Without `wait`, a fold already in progress elsewhere is left to finish it (skipped)."""
    started = clock.perf_counter()
    now = now or timezone.now()
    folded, rebuilt = 0, False
    with transaction.atomic(), connection.cursor() as cursor:
        locked = _lock(cursor, wait=wait)
        current = _current(StatsCubeState.objects.first())
        if not locked and current:
            return CubeFold(0, False, True, 0.0)
        if not locked:
            # Never built: wait for the build in progress rather than read empty cells.
            _lock(cursor, wait=True)
            current = _current(StatsCubeState.objects.first())
        if not current:
            folded, rebuilt = _rebuild(cursor, now=now), True
        while not rebuilt:
            cursor.execute(changes_take_sql(), [settings.STATS_CUBE_FOLD_BATCH])
            report_ids = [row[0] for row in cursor.fetchall()]
            if not report_ids:
                break
            if len(report_ids) == settings.STATS_CUBE_FOLD_BATCH and (
                StatsChange.objects.all()[: settings.STATS_CUBE_REBUILD_ABOVE].count()
                == settings.STATS_CUBE_REBUILD_ABOVE
            ):
                # A bulk import: recomputing everything at once is cheaper.
                folded, rebuilt = _rebuild(cursor, now=now), True
                break
            _refold(cursor, report_ids, now=now)
            folded += len(report_ids)
        if folded and not rebuilt:
            for statement in cells_prune_sql():
                cursor.execute(statement)
    return CubeFold(folded, rebuilt, False, round(clock.perf_counter() - started, 3))
