from gis_portal.celery import app
from maps.cells import cells_refresh
from maps.hexgrid import study_areas_warm
from maps.tile_cache import tile_changes_fold


@app.task
def maps_cells_refresh() -> int:
    """Periodic rebuild of the report-cell cache (add to CELERY_BEAT_SCHEDULE); also stores
    the Gi* study areas of the zoom sizes once per boundary edition (maps.hexgrid), then the
    unfiltered Gi* answers and heatmap totals of the zoom sizes for the new cells (the map's
    first analysis request after a rebuild reads them instead of computing them)."""
    from maps.analysis_text import analysis_warm

    rows = cells_refresh().rows
    study_areas_warm()
    # The tile cache's change markers, one per cell again (maps.tile_cache).
    tile_changes_fold()
    analysis_warm()
    return rows
