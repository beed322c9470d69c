"""The report-cell cache (see maps.cells): its rebuild and the reads of tiles and heatmaps."""

from maps.sql.hexgrid import hex_bin_sql, hex_bin_xy_sql
from maps.sql.point_cells import FX, FY

CELL_SOURCE_DROP = "DROP TABLE IF EXISTS maps_cell_source"

# One rebuild at a time (two beats, a worker and the command, several nodes): a second waits
# until the first commits, then sees its rows and replaces them instead of adding its own.
# Transaction-scoped, so it holds behind PgBouncer in transaction mode. Param: the lock key.
CELLS_REFRESH_LOCK = "SELECT pg_advisory_xact_lock(%s)"

# Each report projected once, then binned into every grid. `{source}`: the policy's classified
# reports (maps.selectors.map_cache_source_sql). Params: metric SRID, the classes for public
# and open, public, open and other reports, then the source's own.
CELL_SOURCE_CREATE = (
    """
CREATE TEMP TABLE maps_cell_source ON COMMIT DROP AS
SELECT ST_Transform(r.point, 3857) AS m, ST_Transform(r.point, %s::int) AS g,
       r.category_id,
       CASE WHEN r.is_public AND r.is_open THEN %s::text WHEN r.is_public THEN %s::text
            WHEN r.is_open THEN %s::text ELSE %s::text END AS klass,
       EXTRACT(EPOCH FROM r.created_at) AS epoch,
       r.id, r.urgent, r.created_at, """
    + FX
    + " AS fx, "
    + FY
    + """ AS fy
FROM ({source}) r
"""
)

CELLS_CLEAR = "DELETE FROM maps_reportcell"
_INSERT = """
INSERT INTO maps_reportcell (grid, cx, cy, category_id, klass, n, created_sum, ux, uy)
"""

# Web-mercator squares; params: grid, cell (metres).
CELLS_INSERT_MERCATOR = (
    _INSERT
    + """
SELECT %(grid)s, floor(ST_X(m) / %(cell)s::float8)::int, floor(ST_Y(m) / %(cell)s::float8)::int,
       category_id, klass, count(*), sum(epoch), avg(ST_X(g)), avg(ST_Y(g))
FROM maps_cell_source GROUP BY 2, 3, 4, 5
"""
)

# Exact hexagons; params: grid, hexagon size.
CELLS_INSERT_HEX = (
    _INSERT
    + """
SELECT %s, i, j, category_id, klass, count(*), sum(epoch), NULL, NULL
FROM ({binned}) b GROUP BY 2, 3, 4, 5
""".format(binned=hex_bin_sql("SELECT g, category_id, klass, epoch FROM maps_cell_source"))
)

# Rows of the all-categories id summing every category: the unfiltered layers read ten times
# fewer rows. Params: all (the all-categories id).
CELLS_INSERT_ALL_CATEGORIES = (
    _INSERT
    + """
SELECT grid, cx, cy, %(all)s, klass, sum(n), sum(created_sum),
       sum(n * ux) / sum(n), sum(n * uy) / sum(n)
FROM maps_reportcell GROUP BY grid, cx, cy, klass
"""
)

# Fresh statistics, or the planner guesses one row per lookup and picks bad joins.
CELLS_ANALYZE = "ANALYZE maps_reportcell, maps_pointcell"
CELLS_ROWS = "SELECT (SELECT count(*) FROM maps_reportcell) + (SELECT count(*) FROM maps_pointcell)"

# The rows of one grid for some classes and categories; params: grid, classes, category ids.
_WHERE = "grid = %s AND klass = ANY(%s) AND category_id = ANY(%s::bigint[])"

# (i, j, count, total age in days) per cached hexagon; params: now (epoch seconds), then
# _WHERE's.
CELLS_HEX_EXACT = (
    """
SELECT cx, cy, sum(n), sum(n * %s::float8 - created_sum) / 86400.0
FROM maps_reportcell WHERE """
    + _WHERE
    + """
GROUP BY cx, cy
"""
)

# The same for other sizes, re-binning the mercator squares by their mean position; params:
# now, _WHERE's, hexagon size.
CELLS_HEX_REBIN = """
SELECT i, j, sum(n), sum(n * %s::float8 - created_sum) / 86400.0
FROM ({binned}) b GROUP BY i, j
""".format(
    binned=hex_bin_xy_sql(
        "SELECT ux AS x, uy AS y, n, created_sum FROM maps_reportcell WHERE " + _WHERE
    )
)

# The same two as totals, (i, j, count, sum of submission epochs), for the analysis layers that
# keep them per refresh and age them at each request (maps.cells.cells_hex_totals); params:
# _WHERE's (then the hexagon size for the re-binning).
CELLS_HEX_EXACT_TOTALS = (
    "SELECT cx, cy, sum(n), sum(created_sum) FROM maps_reportcell WHERE "
    + _WHERE
    + " GROUP BY cx, cy"
)
CELLS_HEX_REBIN_TOTALS = """
SELECT i, j, sum(n), sum(created_sum)
FROM ({binned}) b GROUP BY i, j
""".format(
    binned=hex_bin_xy_sql(
        "SELECT ux AS x, uy AS y, n, created_sum FROM maps_reportcell WHERE " + _WHERE
    )
)

# The refresh the cells are from (one row per rebuild, replaced by each): read before and after
# the cells, it tells whether a rebuild committed in between.
CELLS_REFRESH_ID = "SELECT max(id) FROM maps_cellrefresh"

# MVT layer `counts` from the mercator squares: one point per coarse cell (factor × factor
# squares) at its weighted centre.
CELLS_COUNT_TILE = """
WITH bounds AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS env),
coarse AS (
    SELECT floor(cx / %(factor)s::float8) AS gx, floor(cy / %(factor)s::float8) AS gy,
           sum(n) AS n, sum(n * (cx + 0.5)) / sum(n) AS fx, sum(n * (cy + 0.5)) / sum(n) AS fy
    FROM maps_reportcell
    WHERE grid = %(grid)s AND klass = ANY(%(klasses)s)
      AND category_id = ANY(%(categories)s::bigint[])
      AND cx BETWEEN %(cx_min)s AND %(cx_max)s AND cy BETWEEN %(cy_min)s AND %(cy_max)s
    GROUP BY 1, 2
),
features AS (
    SELECT ST_AsMVTGeom(
             ST_SetSRID(ST_MakePoint(fx * %(cell)s::float8, fy * %(cell)s::float8), 3857),
             bounds.env, %(extent)s::int, %(buffer)s::int, true) AS geom,
           n::int AS count
    FROM coarse, bounds
)
SELECT ST_AsMVT(features, 'counts', %(extent)s::int, 'geom') FROM features
WHERE geom IS NOT NULL
"""
