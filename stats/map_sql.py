"""SQL of the communes drawn on the statistics page (stats.outlines): SVG paths of the
simplified outlines (boundaries_simplified, one zoom band), projected to the metric CRS and
scaled to the drawing, with a label point inside each.

ST_AsSVG writes y downwards (it negates it): translated so the province's top-left corner is
0,0, every coordinate of the drawing is positive.
"""

COMMUNE_OUTLINES_SQL = """
WITH units AS (
    SELECT u.code, u.full_name, u.area_km2, ST_Transform(s.geom, %(srid)s) AS g
    FROM boundaries_adminunit u
    JOIN boundaries_simplified s ON s.unit_id = u.id AND s.band = %(band)s
    WHERE u.edition_id = %(edition)s
      AND u.level = %(level)s
      AND u.administration_ended IS NULL
      AND u.province_code = ANY(%(provinces)s)
), box AS (
    SELECT ST_XMin(e) AS x0, ST_YMax(e) AS y1, ST_XMax(e) - ST_XMin(e) AS w,
        ST_YMax(e) - ST_YMin(e) AS h
    FROM (SELECT ST_Extent(g)::geometry AS e FROM units) AS x
), drawn AS (
    SELECT units.code, units.full_name, units.area_km2, box.w, box.h,
        ST_Scale(ST_Translate(units.g, -box.x0, -box.y1), %(scale)s / box.w, %(scale)s / box.w)
            AS g
    FROM units CROSS JOIN box
)
SELECT code, full_name, area_km2, ST_AsSVG(g, 0, 1),
    ST_X(ST_PointOnSurface(g)), -ST_Y(ST_PointOnSurface(g)), %(scale)s * h / w
FROM drawn
ORDER BY code
"""
