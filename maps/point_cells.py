"""Point tiles below full detail: one report per CELL × CELL square of tile units.

A dense city tile holds tens of thousands of reports but only ~1,100 such cells, so each cell
shows its most urgent, newest report and how many it stands for. The cells are computed live
over the reports in the tile, or read from the PointCell table that the cell-cache refresh
fills for every zoom from POINT_MIN_ZOOM to FULL_DETAIL_ZOOM - 1. Both use one global grid:
cell (cx, cy) at zoom z covers world fractions [cx, cx + 1) / (2**z · CELLS_PER_TILE).
"""

from maps.sql import point_cells as sql

EXTENT = 4096
POINT_MIN_ZOOM = 10
FULL_DETAIL_ZOOM = 16
# 128 of 4096 tile units: 8 screen pixels, less than a 10-pixel marker.
CELL = 128
CELLS_PER_TILE = EXTENT // CELL


def cells_per_world(z: int) -> int:
    return 2**z * CELLS_PER_TILE


def point_cells_live(
    narrow: str, narrow_params: tuple, *, z: int, bbox: tuple[float, ...]
) -> tuple[str, tuple]:
    """(id, n) per non-empty cell of `narrow` (SELECT id, point, urgent, created_at ...) in the
    lon/lat box, as SQL and params to embed."""
    k = cells_per_world(z)
    return sql.POINT_CELLS_LIVE_SQL.format(reports=narrow), (*narrow_params, *bbox, k, k)


def point_cells_cached(*, z: int, x: int, y: int, klasses: tuple[str, ...]) -> tuple[str, tuple]:
    """(id, n) per cell of the tile and its one-cell buffer, from PointCell, as SQL and params."""
    first_x, first_y = x * CELLS_PER_TILE, y * CELLS_PER_TILE
    columns = list(range(first_x - 1, first_x + CELLS_PER_TILE + 1))
    params = (z, columns, first_y - 1, first_y + CELLS_PER_TILE, list(klasses))
    return sql.POINT_CELLS_CACHED_SQL, params


def point_cells_build(cursor) -> None:
    """Fill maps_pointcell from the refresh's maps_cell_source table, zoom by zoom."""
    cursor.execute(sql.POINT_CELLS_CLEAR)
    for z in range(POINT_MIN_ZOOM, FULL_DETAIL_ZOOM):
        cursor.execute(sql.POINT_CELLS_INSERT, {"z": z, "k": cells_per_world(z)})
