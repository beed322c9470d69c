"""Point tiles below full detail: one report per CELL × CELL square of tile units.

A dense city tile holds tens of thousands of reports but only ~1,100 such cells, so each cell
shows its most urgent, newest report and how many it stands for. The cells are computed live
over the reports in the tile, or read from the PointCell table that the cell-cache refresh
fills for every zoom from POINT_MIN_ZOOM to FULL_DETAIL_ZOOM - 1. Both use one global grid:
cell (cx, cy) at zoom z covers world fractions [cx, cx + 1) / (2**z · CELLS_PER_TILE).
"""

EXTENT = 4096
POINT_MIN_ZOOM = 10
FULL_DETAIL_ZOOM = 16
# 128 of 4096 tile units: 8 screen pixels, less than a 10-pixel marker.
CELL = 128
CELLS_PER_TILE = EXTENT // CELL

# World fractions (0..1 west→east, north→south) of a lon/lat point in web mercator.
FX_SQL = "((ST_X({p}) + 180) / 360)"
FY_SQL = "((1 - asinh(tan(radians(ST_Y({p})))) / pi()) / 2)"
# The cell's report: urgent first, then newest, then the highest id.
RANK_SQL = "ARRAY[{urgent}::int::bigint, (extract(epoch FROM {created}) * 1e6)::bigint, {id}]"


def cells_per_world(z: int) -> int:
    return 2**z * CELLS_PER_TILE


def point_cells_live_sql(narrow: str, z: int) -> str:
    """(id, n) per non-empty cell of `narrow` (SELECT id, point, urgent, created_at ...)."""
    k = cells_per_world(z)
    rank = RANK_SQL.format(urgent="r.urgent", created="r.created_at", id="r.id")
    return f"""
        SELECT (max({rank}))[3] AS id, count(*) AS n FROM ({narrow}) r
        WHERE r.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
        GROUP BY floor({FX_SQL.format(p="r.point")} * {k}),
                 floor({FY_SQL.format(p="r.point")} * {k})
    """


def point_cells_cached_sql(z: int, x: int, y: int) -> str:
    """(id, n) per cell of the tile and its one-cell buffer, from PointCell; params: klasses.

    One index range per column of cells (cx = ANY): a range on cx alone would walk every
    cell of those columns, the whole province's height.
    """
    first_x, first_y = x * CELLS_PER_TILE, y * CELLS_PER_TILE
    columns = ",".join(str(cx) for cx in range(first_x - 1, first_x + CELLS_PER_TILE + 1))
    return f"""
        SELECT (max(ARRAY[urgent::bigint, created_us, report_id]))[3] AS id, sum(n) AS n
        FROM maps_pointcell
        WHERE z = {int(z)} AND cx = ANY('{{{columns}}}'::int[])
          AND cy BETWEEN {first_y - 1} AND {first_y + CELLS_PER_TILE} AND klass = ANY(%s)
        GROUP BY cx, cy
    """


def point_cells_build(cursor, source_table: str) -> None:
    """Fill maps_pointcell from a table of (fx, fy, klass, urgent, created_at, id)."""
    cursor.execute("DELETE FROM maps_pointcell")
    rank = RANK_SQL.format(urgent="urgent", created="created_at", id="id")
    for z in range(POINT_MIN_ZOOM, FULL_DETAIL_ZOOM):
        k = cells_per_world(z)
        cursor.execute(
            f"""
            INSERT INTO maps_pointcell (z, cx, cy, klass, n, report_id, urgent, created_us)
            SELECT {z}, cx, cy, klass, n, pick[3], pick[1], pick[2] FROM (
                SELECT floor(fx * {k})::int AS cx, floor(fy * {k})::int AS cy, klass,
                       count(*) AS n, max({rank}) AS pick
                FROM {source_table} GROUP BY 1, 2, 3
            ) cells
            ORDER BY cx, cy  -- a tile's cells on few pages
            """
        )
