"""Celery tasks: thin wrappers."""

from celery import shared_task

from stats.services import stats_snapshot_refresh


@shared_task
def stats_snapshot_refresh_task() -> list[str]:
    """Rebuild the standard periods' snapshots (CELERY_BEAT_SCHEDULE "stats-snapshot")."""
    return stats_snapshot_refresh().written
