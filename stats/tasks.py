"""Celery tasks: thin wrappers."""

from gis_portal.celery import app
from stats.cube import stats_cube_fold
from stats.services import stats_snapshot_refresh


@app.task
def stats_snapshot_refresh_task() -> list[str]:
    """Rebuild the standard periods' snapshots (CELERY_BEAT_SCHEDULE "stats-snapshot")."""
    return stats_snapshot_refresh().written


@app.task
def stats_cube_fold_task() -> int:
    """Fold the noted report changes into the summary and, when any was, rewrite the standard
    periods' snapshots from it (CELERY_BEAT_SCHEDULE "stats-cube")."""
    outcome = stats_cube_fold()
    if outcome.reports:
        stats_snapshot_refresh()
    return outcome.reports
