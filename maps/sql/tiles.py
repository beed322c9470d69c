"""Vector tiles over the reports themselves (see maps.tiles)."""

# JIT compiles for longer (0.1–1.3 s) than these queries run.
JIT_OFF = "SET LOCAL jit = off"
# Whether the server plans without JIT already (scripts/setup.sh sets it for the server).
JIT_IS_OFF = "SELECT current_setting('jit') = 'off'"

_BOUNDS = "WITH bounds AS (SELECT ST_TileEnvelope(%s, %s, %s) AS env),"
# Params: extent, buffer, time zone (the report's local submission date).
_POINT_FEATURES = """
features AS (
    SELECT ST_AsMVTGeom(ST_Transform(r.point, 3857), bounds.env, %s::int, %s::int, true) AS geom,
           r.id, r.reference, r.title, r.status, r.urgent,
           r.category__code AS category, r.category__name AS category_name,
           to_char(r.created_at AT TIME ZONE %s, 'YYYY-MM-DD') AS created,
           NULLIF(r.n, 1)::int AS count
"""
# Sorted by id: the same tile, the same bytes, so ETags stay valid. Params: extent.
_POINT_LAYER = """
    ORDER BY r.id
)
SELECT ST_AsMVT(features, 'reports', %s::int, 'geom') FROM features
WHERE geom IS NOT NULL
"""

# Every report of `{reports}` (maps.tiles.POINT_COLUMNS) in the tile. `&&` on the tile's lon/lat
# box equals ST_Intersects for points and keeps the planner's cost estimate low (ST_Intersects
# on a polygon pushed it over jit_above_cost). Params: z, x, y, extent, buffer, time zone, the
# reports' own, the box (west, south, east, north), extent.
POINT_TILE_SQL = (
    _BOUNDS
    + _POINT_FEATURES
    + """
    FROM (SELECT q.*, 1 AS n FROM ({reports}) q
          WHERE q.point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)) r, bounds
"""
    + _POINT_LAYER
)

# One report per cell of `{cells}` (id, n), read back by primary key through `{reports}`, the
# asking map's scope and filters (a cached pick hidden since the refresh is dropped): the
# planner cannot tell how few cells there are and would otherwise scan every report in scope.
# Params: z, x, y, the cells' own, extent, buffer, time zone, the reports' own, extent.
POINT_CELL_TILE_SQL = (
    _BOUNDS
    + """
picked AS MATERIALIZED ({cells}),"""
    + _POINT_FEATURES
    + """
    FROM (SELECT q.*, picked.n FROM picked
          CROSS JOIN LATERAL (SELECT * FROM ({reports}) s WHERE s.id = picked.id) q) r, bounds
"""
    + _POINT_LAYER
)

# MVT layer `counts`: a point per non-empty square of the tile's grid, at the mean position
# of its reports. Params: z, x, y, cell (metres) twice, the reports' own, extent, buffer,
# extent.
COUNT_TILE_SQL = (
    _BOUNDS
    + """
cells AS (
    SELECT floor(ST_X(m) / %s::float8) AS cx, floor(ST_Y(m) / %s::float8) AS cy,
           count(*) AS n, avg(ST_X(m)) AS mx, avg(ST_Y(m)) AS my
    FROM (SELECT ST_Transform(r.point, 3857) AS m FROM ({reports}) r) p
    GROUP BY 1, 2
),
features AS (
    SELECT ST_AsMVTGeom(ST_SetSRID(ST_MakePoint(mx, my), 3857), bounds.env,
                        %s::int, %s::int, true) AS geom,
           n::int AS count
    FROM cells, bounds
)
SELECT ST_AsMVT(features, 'counts', %s::int, 'geom') FROM features
WHERE geom IS NOT NULL
"""
)
