"""Every figure of the statistics page for one period, and where a computed copy is kept.

The figures are read from the summary stats.cube keeps up to date (milliseconds for any
period); the public page is served from copies of them: a StatsSnapshot row per standard
period (all time, this year, this month), rewritten by Celery beat after each fold, and a copy
per other period in the Redis cache for a few minutes (stats.services writes both). The live
computation (stats_summary_compute) groups every report: staff's figures, and the reference
the summary is tested against.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from reports.services.contact import in_portal_language
from stats.cube_selectors import stats_cube_figures
from stats.models import StatsSnapshot
from stats.outlines import boundaries_version
from stats.ranking import agency_ranking_of, ranking_flags
from stats.selectors import DIMENSIONS, StatsFilters, stats_by, stats_totals

CACHE_PREFIX = "stats:summary:"


@dataclass(frozen=True)
class StatsSummary:
    """Totals, rows per dimension and the agency ranking of one period, as of `computed_at`."""

    filters: StatsFilters
    computed_at: datetime
    payload: dict

    @property
    def totals(self) -> dict:
        return self.payload["totals"]

    def rows(self, dimension: str) -> list[dict]:
        # Stored in the portal's language; the label of the rows with no unit is the reader's.
        empty = str(DIMENSIONS[dimension][1])
        return [
            row if row["code"] is not None or row["name"] == empty else {**row, "name": empty}
            for row in self.payload["by"][dimension]
        ]

    @property
    def ranking(self) -> list[dict]:
        return [
            {**row, "flags": ranking_flags(cases=row["cases"], rated=row["rated"])}
            if row["flags"]
            else row
            for row in self.payload["ranking"]
        ]

    @property
    def recent_months(self) -> list[dict]:
        """The month rows of last month and this month, whatever the period."""
        return self.payload.get("recent_months", [])

    @property
    def boundaries_version(self):
        return self.payload.get("boundaries_version")


def recent_filters(*, now: datetime) -> StatsFilters:
    """Last month and this month (local): the page's "this month against last"."""
    first = timezone.localtime(now).date().replace(day=1)
    return StatsFilters(date_from=(first - timedelta(days=1)).replace(day=1))


# Figures are stored and cached for every reader: their few words in the portal's language
# (StatsSummary translates them when read).
@in_portal_language
def stats_summary_compute(*, filters: StatsFilters, now: datetime | None = None) -> StatsSummary:
    """The live figures: one grouped query per dimension and one for the totals."""
    now = now or timezone.now()
    by = {name: stats_by(dimension=name, filters=filters, now=now) for name in DIMENSIONS}
    recent = stats_by(dimension="month", filters=recent_filters(now=now), now=now)
    return _summary(filters, now, stats_totals(filters=filters, now=now), by, recent)


@in_portal_language
def stats_summary_read(*, filters: StatsFilters, now: datetime | None = None) -> StatsSummary:
    """The same figures read from the summary cells (stats.cube), as of its last fold."""
    now = now or timezone.now()
    totals, by = stats_cube_figures(filters=filters, now=now)
    _, recent = stats_cube_figures(filters=recent_filters(now=now), now=now)
    return _summary(filters, now, totals, by, recent["month"])


def _summary(
    filters: StatsFilters, now: datetime, totals: dict, by: dict, recent: list[dict]
) -> StatsSummary:
    payload = {
        "totals": totals,
        "by": by,
        "ranking": agency_ranking_of(by["agency"]),
        # Kept with the figures, so that a page served from this copy reads nothing else: the
        # month rows of this month and last, and which boundaries the map draws.
        "recent_months": recent,
        "boundaries_version": boundaries_version(),
    }
    # Stored as JSON: the copy read back must equal what was computed, types included.
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return StatsSummary(filters=filters, computed_at=now, payload=payload)


def stats_period_list(*, today: date | None = None) -> list[tuple[str, StatsFilters]]:
    """The standard periods with their labels: all time, this calendar year, this month (on
    1 January the last two are one period)."""
    today = today or timezone.localdate()
    return [
        (_("Toàn thời gian"), StatsFilters()),
        (_("Năm nay"), StatsFilters(date_from=today.replace(month=1, day=1))),
        (_("Tháng này"), StatsFilters(date_from=today.replace(day=1))),
    ]


def stats_periods(*, today: date | None = None) -> dict[str, StatsFilters]:
    """The standard periods by key ("from..to")."""
    return {period.key: period for _, period in stats_period_list(today=today)}


def stats_snapshot_stale(snapshot: StatsSnapshot, *, now: datetime | None = None) -> bool:
    """Older than STATS_SNAPSHOT_MAX_AGE seconds: the beat refresh has not run for a while."""
    now = now or timezone.now()
    return snapshot.computed_at < now - timedelta(seconds=settings.STATS_SNAPSHOT_MAX_AGE)


def stats_snapshot_get(*, filters: StatsFilters) -> StatsSnapshot | None:
    return StatsSnapshot.objects.filter(key=filters.key).first()


def stats_summary_of(snapshot: StatsSnapshot, filters: StatsFilters) -> StatsSummary:
    return StatsSummary(filters=filters, computed_at=snapshot.computed_at, payload=snapshot.payload)


def stats_cache_key(filters: StatsFilters) -> str:
    return CACHE_PREFIX + filters.key


def stats_summary_cached(*, filters: StatsFilters) -> StatsSummary | None:
    """The cached copy of a period's figures, if any (none when Redis cannot be read)."""
    try:
        return cache.get(stats_cache_key(filters))
    except RedisError:
        return None
