"""SQL of the pre-simplified outlines (table and triggers: migration 0004)."""

# One FeatureCollection as text, built by PostgreSQL: no per-feature Python work. A bbox
# (the map's view, padded) keeps the fine bands to the few units on screen, cut to it: the
# cut edges lie outside the view, and the map asks again before they come into it.
SIMPLIFIED_COLLECTION_SQL = """
SELECT json_build_object(
    'type', 'FeatureCollection',
    'band', %(band)s,
    'features', COALESCE(json_agg(json_build_object(
        'type', 'Feature',
        'id', u.code,
        'geometry', ST_AsGeoJSON(shown.geom, %(decimals)s)::json,
        'properties', json_build_object(
            'code', u.code, 'level', u.level, 'name', u.name, 'full_name', u.full_name,
            'former', u.administration_ended IS NOT NULL
        )
    ) ORDER BY u.code), '[]'::json)
)::text
FROM boundaries_adminunit u
JOIN boundaries_simplified s ON s.unit_id = u.id AND s.band = %(band)s
CROSS JOIN LATERAL (
    SELECT CASE WHEN %(west)s::float8 IS NULL THEN s.geom
        ELSE ST_ClipByBox2D(
            s.geom, ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)::box2d)
    END AS geom
) AS shown
WHERE u.edition_id = %(edition)s
  AND u.level = %(level)s
  AND (%(province)s::text IS NULL OR u.province_code = %(province)s::text)
  AND (%(west)s::float8 IS NULL
       OR s.geom && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326))
  -- A unit whose box meets the view's but not its outline: nothing left of it once cut.
  AND NOT ST_IsEmpty(shown.geom)
"""
