from celery import shared_task

from maps.cells import cells_refresh
from maps.hexgrid import study_areas_warm


@shared_task
def maps_cells_refresh() -> int:
    """Periodic rebuild of the report-cell cache (add to CELERY_BEAT_SCHEDULE); also stores
    the Gi* study areas of the zoom sizes once per boundary edition (maps.hexgrid)."""
    rows = cells_refresh().rows
    study_areas_warm()
    return rows
