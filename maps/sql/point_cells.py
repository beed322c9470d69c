"""Point-tile cells below full detail (see maps.point_cells): live and from maps_pointcell."""

# World fractions (0..1 west→east, north→south) of a report's lon/lat point in web mercator.
FX = "((ST_X(r.point) + 180) / 360)"
FY = "((1 - asinh(tan(radians(ST_Y(r.point)))) / pi()) / 2)"

# (id, n) per non-empty cell of `{reports}` (columns id, point, urgent, created_at): the cell's
# report is urgent first, then newest, then the highest id. Params: the reports' own, the
# lon/lat box (west, south, east, north), cells per world width twice.
POINT_CELLS_LIVE_SQL = (
    """
SELECT (max(ARRAY[r.urgent::int::bigint, (extract(epoch FROM r.created_at) * 1e6)::bigint,
                  r.id]))[3] AS id,
       count(*) AS n
FROM ({reports}) r
WHERE r.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
GROUP BY floor("""
    + FX
    + """ * %s::int), floor("""
    + FY
    + """ * %s::int)
"""
)

# (id, n) per cached cell; params: z, the cell columns (int list), first and last cell row,
# the visibility classes. One index range per column (cx = ANY): a range on cx alone would
# walk every cell of those columns, the whole province's height.
POINT_CELLS_CACHED_SQL = """
SELECT (max(ARRAY[urgent::bigint, created_us, report_id]))[3] AS id, sum(n) AS n
FROM maps_pointcell
WHERE z = %s AND cx = ANY(%s::int[]) AND cy BETWEEN %s AND %s AND klass = ANY(%s)
GROUP BY cx, cy
"""

POINT_CELLS_CLEAR = "DELETE FROM maps_pointcell"

# One zoom of maps_pointcell from the refresh's maps_cell_source table (fx, fy, klass, urgent,
# created_at, id); params: z, k (cells per world width).
POINT_CELLS_INSERT = """
INSERT INTO maps_pointcell (z, cx, cy, klass, n, report_id, urgent, created_us)
SELECT %(z)s::smallint, cx, cy, klass, n, pick[3], pick[1], pick[2] FROM (
    SELECT floor(fx * %(k)s::int)::int AS cx, floor(fy * %(k)s::int)::int AS cy, klass,
           count(*) AS n,
           max(ARRAY[urgent::int::bigint, (extract(epoch FROM created_at) * 1e6)::bigint, id])
             AS pick
    FROM maps_cell_source GROUP BY 1, 2, 3
) cells
ORDER BY cx, cy  -- a tile's cells on few pages
"""
