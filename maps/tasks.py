from celery import shared_task

from maps.cells import cells_refresh


@shared_task
def maps_cells_refresh() -> int:
    """Periodic rebuild of the report-cell cache (add to CELERY_BEAT_SCHEDULE)."""
    return cells_refresh().rows
