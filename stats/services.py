"""Writes of the stats app: the snapshots of the standard periods and the cached copies.

Figures come from the summary (stats.cube, as of its last fold), milliseconds for any period:
- standard periods: the StatsSnapshot row, rewritten by Celery beat after each fold that
  changed something ("stats-cube") and every STATS_SNAPSHOT_SECONDS ("stats-snapshot");
  a fresh install's first visit reads it once, and one visit (never all at once)
  rereads a snapshot older than STATS_SNAPSHOT_MAX_AGE;
- any other period: a copy in the Redis cache for STATS_CUSTOM_CACHE_SECONDS, read on a
  miss; the views still limit how often one client may cause a miss (throttle scope
  "stats-custom").
"""

import time
from contextlib import suppress
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from redis.exceptions import RedisError

from stats.cube import stats_cube_fold
from stats.models import StatsCubeState, StatsSnapshot
from stats.outlines import commune_outlines
from stats.selectors import StatsFilters
from stats.summary import (
    StatsSummary,
    stats_cache_key,
    stats_periods,
    stats_snapshot_get,
    stats_snapshot_stale,
    stats_summary_of,
    stats_summary_read,
)

LOCK_PREFIX = "stats:snapshot-lock:"


@dataclass(frozen=True)
class SnapshotRefresh:
    written: list[str]
    removed: int
    seconds: float


def stats_summary_current(*, filters: StatsFilters) -> StatsSummary:
    """A period's figures from the summary as of its last fold (Celery beat folds every
    few seconds); built first on a fresh install."""
    if not StatsCubeState.objects.exists():
        stats_cube_fold(wait=True)
    return stats_summary_read(filters=filters, now=timezone.now())


def stats_snapshot_store(*, filters: StatsFilters) -> StatsSnapshot:
    """Read one period's figures and write (or overwrite) its snapshot."""
    started = time.perf_counter()
    summary = stats_summary_current(filters=filters)
    snapshot, _ = StatsSnapshot.objects.update_or_create(
        key=filters.key,
        defaults={
            "computed_at": summary.computed_at,
            "payload": summary.payload,
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return snapshot


@transaction.atomic
def stats_snapshot_refresh(*, dry_run: bool = False) -> SnapshotRefresh:
    """Rebuild the snapshot of every standard period and drop those of past periods (last
    month's "this month"). Idempotent: running it twice leaves one row per period."""
    started = time.perf_counter()
    periods = stats_periods()
    stale = StatsSnapshot.objects.exclude(key__in=list(periods))
    if dry_run:
        return SnapshotRefresh(written=list(periods), removed=stale.count(), seconds=0.0)
    removed, _ = stale.delete()
    stats_cube_fold(wait=True)
    for filters in periods.values():
        snapshot = stats_snapshot_store(filters=filters)
    # The map's outlines drawn ahead of the visits, as the figures are.
    commune_outlines(
        version=snapshot.payload["boundaries_version"],
        at=timezone.localtime(snapshot.computed_at).date(),
    )
    return SnapshotRefresh(
        written=list(periods), removed=removed, seconds=round(time.perf_counter() - started, 2)
    )


def _lock(key: str) -> bool:
    """One recomputation of a stale snapshot at a time, across every worker process."""
    try:
        return cache.add(LOCK_PREFIX + key, 1, timeout=max(60, settings.STATS_SNAPSHOT_SECONDS))
    except RedisError:
        return False


def stats_snapshot_serve(*, filters: StatsFilters) -> StatsSummary | None:
    """The figures of a standard period from its snapshot (None for any other period)."""
    if filters.key not in stats_periods():
        return None
    snapshot = stats_snapshot_get(filters=filters)
    if snapshot is None or (stats_snapshot_stale(snapshot) and _lock(filters.key)):
        snapshot = stats_snapshot_store(filters=filters)
    return stats_summary_of(snapshot, filters)


def stats_summary_cache_store(*, filters: StatsFilters) -> StatsSummary:
    """Read a period's figures and keep them in the cache for STATS_CUSTOM_CACHE_SECONDS."""
    summary = stats_summary_current(filters=filters)
    # Answered even when Redis is down; the throttle in front of this call bounds the misses.
    with suppress(RedisError):
        cache.set(stats_cache_key(filters), summary, timeout=settings.STATS_CUSTOM_CACHE_SECONDS)
    return summary
