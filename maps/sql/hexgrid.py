"""Hexagon binning and geometry in the metric CRS (see maps.hexgrid)."""

# Arithmetic binning into PostGIS ST_HexagonGrid cells: the nearer of two candidate column
# centres wins (hexagons are the Voronoi cells of their centres). `{points}` must expose
# metric `x`, `y` columns; params: the points' own, then the hexagon size (edge, metres). The
# OFFSET 0 fences keep the planner from inlining x and y into every use below: it would run
# ST_Transform and ST_X a dozen times per point (2× the time of the whole query).
HEX_BIN_XY_SQL = """
SELECT CASE WHEN da <= db THEN ia ELSE ia + 1 END AS i,
       CASE WHEN da <= db THEN ja ELSE jb END AS j, q.*
FROM (
  SELECT c.*,
         power(x - col * ia, 2) + power(y - h * ja - h / 2 * mod(abs(ia), 2), 2) AS da,
         power(x - col * (ia + 1), 2)
           + power(y - h * jb - h / 2 * mod(abs(ia + 1), 2), 2) AS db
  FROM (
    SELECT b.*,
           round((y - h / 2 * mod(abs(ia), 2)) / h)::int AS ja,
           round((y - h / 2 * mod(abs(ia + 1), 2)) / h)::int AS jb
    FROM (
      SELECT p.*, hex_size.col, hex_size.h, floor(p.x / hex_size.col)::int AS ia
      FROM (SELECT * FROM ({points}) p0 OFFSET 0) p
      CROSS JOIN (
        SELECT 1.5 * s AS col, sqrt(3::float8) * s AS h FROM (SELECT %s::float8 AS s) v
      ) hex_size
      OFFSET 0
    ) b
  ) c
) q
"""


def hex_bin_xy_sql(points: str) -> str:
    """HEX_BIN_XY_SQL over `points` (columns x, y); params: the points' own, then the size.
    The analysis requests' points are coordinates already (the cells' mean positions) or are
    projected once."""
    return HEX_BIN_XY_SQL.format(points=points)


def hex_bin_sql(points: str) -> str:
    """The same binning over `points` exposing a metric geometry `g` (its x and y read once,
    behind the fence); params: the points' own, then the hexagon size."""
    return hex_bin_xy_sql(f"SELECT p1.*, ST_X(p1.g) AS x, ST_Y(p1.g) AS y FROM ({points}) p1")


# Each report projected once (the fence), then its coordinates read.
_LIVE_POINTS = (
    "SELECT ST_X(t.g) AS x, ST_Y(t.g) AS y, t.created_at FROM ("
    "SELECT ST_Transform(r.point, %s::int) AS g, r.created_at FROM ({reports}) r OFFSET 0) t"
)
# The same over at most `limit` reports: when the limit is not reached (the counts add up to
# less) they are all the reports, and the request needs no count of its own beforehand (a
# second pass over the same reports). Params: metric SRID, the reports' own, the limit,
# hexagon size.
_LIVE_POINTS_BOUNDED = (
    "SELECT ST_X(t.g) AS x, ST_Y(t.g) AS y, t.created_at FROM ("
    "SELECT ST_Transform(r.point, %s::int) AS g, r.created_at "
    "FROM (SELECT r0.point, r0.created_at FROM ({reports}) r0 LIMIT %s) r OFFSET 0) t"
)
HEX_AGGREGATE_BOUNDED_SQL = f"""
SELECT i, j, count(*) AS n,
       sum(EXTRACT(EPOCH FROM (now() - created_at)) / 86400.0) AS age_days
FROM ({hex_bin_xy_sql(_LIVE_POINTS_BOUNDED)}) binned
GROUP BY i, j
"""

# (i, j, count, total age in days) per hexagon of the reports in `{reports}` (columns point,
# created_at). Params: metric SRID, the reports' own, hexagon size.
HEX_AGGREGATE_SQL = f"""
SELECT i, j, count(*) AS n,
       sum(EXTRACT(EPOCH FROM (now() - created_at)) / 86400.0) AS age_days
FROM ({hex_bin_xy_sql(_LIVE_POINTS)}) binned
GROUP BY i, j
"""

# GeoJSON (WGS 84, 6 decimals) of the hexagons (i[k], j[k]), in the order given, as one JSON
# array: the reference maps.hexgrid.hex_features (numpy and PROJ) is tested against.
HEX_GEOMETRIES_SQL = """
SELECT json_agg(
         ST_AsGeoJSON(
           ST_Transform(
             ST_Hexagon(%(size)s::float8, t.i, t.j,
                        ST_SetSRID(ST_MakePoint(0, 0), %(srid)s::int)),
             4326),
           6)::json
         ORDER BY t.k)
FROM unnest(%(i)s::int[], %(j)s::int[]) WITH ORDINALITY AS t(i, j, k)
"""

# Every hexagon touching the province's communes. Per subdivided commune part (small, simple
# polygons), not the whole province outline: 20x faster at 500 m cells.
STUDY_AREA_SQL = """
SELECT DISTINCT h.i, h.j
FROM boundaries_adminunitpart p,
     LATERAL (SELECT ST_Transform(p.geom, %(srid)s::int) AS g) t,
     LATERAL ST_HexagonGrid(%(size)s::float8, t.g) h
WHERE p.edition_id = %(edition)s AND p.level = %(level)s
  AND p.province_code = %(code)s AND ST_Intersects(h.geom, t.g)
ORDER BY 1, 2
"""
