"""Raw SQL of the boundaries app: point lookups on the subdivided pieces, geometry repair.

Every value is a named parameter; the only composition is of the fixed subqueries below,
done once at import. Dates are computed by the caller in settings.TIME_ZONE, never in SQL.
"""

EDITION_AT_SQL = """
    SELECT id FROM boundaries_edition
    WHERE valid_from <= %(at)s AND (valid_to IS NULL OR valid_to >= %(at)s)
    ORDER BY valid_from DESC LIMIT 1
"""

# The commune whose subdivided pieces cover the point; on a shared border the lowest code wins.
COMMUNE_COVERS_SQL = f"""
    SELECT part.unit_id FROM boundaries_adminunitpart part
    WHERE part.edition_id = ({EDITION_AT_SQL})
      AND part.level = 'commune' AND part.province_code = ANY(%(served)s)
      AND ST_Covers(part.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
    ORDER BY part.unit_code LIMIT 1
"""

# Commune, former district (if any), province and edition of the commune picked by {hit}.
_HIERARCHY_SQL = """
    SELECT c.id, c.code, c.name, c.full_name, c.unit_type,
           d.id, d.code, d.name, d.full_name, d.unit_type,
           p.id, p.code, p.name, p.full_name, p.unit_type,
           e.slug, e.id
    FROM boundaries_adminunit c
    JOIN boundaries_edition e ON e.id = c.edition_id
    JOIN boundaries_adminunit p
      ON p.edition_id = c.edition_id AND p.level = 'province' AND p.code = c.province_code
    LEFT JOIN boundaries_adminunit d ON d.id = c.parent_id AND d.level = 'district'
    WHERE c.id {hit}
"""
LOCATE_SQL = _HIERARCHY_SQL.format(hit=f"= ({COMMUNE_COVERS_SQL})")
HIERARCHY_OF_UNIT_SQL = _HIERARCHY_SQL.format(hit="= %(unit)s")

NEAREST_COMMUNE_SQL = """
    WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS geom)
    SELECT part.unit_id, ST_Distance(part.geom::geography, pt.geom::geography) AS metres
    FROM boundaries_adminunitpart part, pt
    WHERE part.edition_id = %(edition)s AND part.level = 'commune'
      AND part.province_code = ANY(%(served)s)
      AND part.geom && ST_Expand(pt.geom, %(margin_deg)s)
    ORDER BY metres, part.unit_code LIMIT 1
"""

PROVINCE_COVERS_SQL = """
    SELECT part.unit_id, part.province_code = ANY(%(served)s) AS served
    FROM boundaries_adminunitpart part
    WHERE part.edition_id = %(edition)s AND part.level = 'province'
      AND ST_Covers(part.geom, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326))
    ORDER BY served DESC, part.unit_code LIMIT 1
"""

# --- the in-process locate index (boundaries/index.py) ---------------------------------------
# The token migration 0003's triggers change with every write to editions, units or pieces.
INDEX_VERSION_SQL = "SELECT token FROM boundaries_version WHERE id = 1"
INDEX_EDITIONS_SQL = "SELECT id, slug, valid_from, valid_to FROM boundaries_edition"
# The served provinces' pieces COMMUNE_COVERS_SQL and PROVINCE_COVERS_SQL probe, as WKB
# (exact coordinates) with their boxes (PostGIS's, rounded outwards: never too small), a batch
# at a time. Other provinces stay in PostGIS: the national outlines would weigh tens of MB in
# every worker, for points the portal does not serve.
INDEX_PIECES_SQL = """
    SELECT part.id, part.level, part.unit_id, part.unit_code, ST_AsBinary(part.geom),
           ST_XMin(part.geom), ST_YMin(part.geom), ST_XMax(part.geom), ST_YMax(part.geom)
    FROM boundaries_adminunitpart part
    WHERE part.edition_id = %(edition)s AND part.level IN ('commune', 'province')
      AND part.province_code = ANY(%(served)s) AND part.id > %(after)s
    ORDER BY part.id LIMIT %(batch)s
"""
INDEX_OTHER_PROVINCES_SQL = """
    SELECT EXISTS (
        SELECT 1 FROM boundaries_adminunitpart part
        WHERE part.edition_id = %(edition)s AND part.level = 'province'
          AND NOT part.province_code = ANY(%(served)s))
"""
# What LOCATE_SQL answers for each commune those pieces belong to (same columns).
INDEX_HIERARCHY_SQL = _HIERARCHY_SQL.format(
    hit="""IN (
        SELECT part.unit_id FROM boundaries_adminunitpart part
        WHERE part.edition_id = %(edition)s AND part.level = 'commune'
          AND part.province_code = ANY(%(served)s))"""
)

# Source polygons that are invalid are repaired, keeping only their areal parts.
GEOMETRY_REPAIR_SQL = """
    SELECT ST_AsBinary(ST_Multi(ST_CollectionExtract(
        ST_MakeValid(ST_GeomFromWKB(%(wkb)s, 4326)), 3)))
"""

AREAS_UPDATE_SQL = """
    UPDATE boundaries_adminunit SET area_km2 = ST_Area(geom::geography) / 1e6
    WHERE edition_id = %(edition)s AND code = ANY(%(codes)s)
"""

# The vietnamadminunits SQLite dataset (qmark parameters): 2025 communes and pre-2025 wards.
VAU_LEGACY_WARDS_SQL = """
    SELECT provinceKey, districtKey, districtCode, district, districtShort, districtType,
           wardKey, wardShortKey
    FROM admin_units_legacy WHERE provinceCode = ?
"""
VAU_WARDS_SQL = """
    SELECT provinceKey, wardKey, wardCode, wardShortKey FROM admin_units WHERE provinceCode = ?
"""

# --- the bulk point → commune join (boundaries/bulk.py) --------------------------------------
# A caller's points as two strings of binary values, ids and little-endian EWKB (one aggregate
# row, not a row per point: libpq hands COPY over a row at a time). {points} is the caller's
# relation and columns, composed with psycopg.sql identifiers (never values). One aggregate
# node feeds both in the same row order.
BULK_POINTS_SQL = """
    SELECT string_agg(int8send({id}::bigint), ''::bytea),
           string_agg(ST_AsEWKB({geom}, 'NDR'), ''::bytea)
    FROM {points} WHERE {geom} IS NOT NULL
"""
# The edition's commune pieces near the points, ranked by commune code (lowest code wins).
BULK_PIECES_SQL = """
    SELECT part.unit_id, dense_rank() OVER (ORDER BY part.unit_code), ST_AsBinary(part.geom)
    FROM boundaries_adminunitpart part
    WHERE part.edition_id = %(edition)s AND part.level = 'commune'
      AND part.geom && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326)
"""
# Points within a hair of a piece's edge are decided by PostGIS on the raw commune polygons,
# exactly as the plain join would: each polygon (near the points) tests them all in a row, so
# PostGIS reads it once and keeps it prepared; the lowest commune code on a shared border.
BULK_RAW_COVERS_SQL = """
    WITH pt AS MATERIALIZED (
        SELECT t.i, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326) AS geom
        FROM unnest(%(i)s::bigint[], %(x)s::float8[], %(y)s::float8[]) AS t(i, x, y))
    SELECT DISTINCT ON (hit.i) hit.i, unit.id
    FROM boundaries_adminunit unit
    CROSS JOIN LATERAL (SELECT pt.i FROM pt WHERE ST_Covers(unit.geom, pt.geom)) hit
    WHERE unit.edition_id = %(edition)s AND unit.level = 'commune'
      AND unit.geom && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326)
    ORDER BY hit.i, unit.code
"""
# Where boundaries.services.bulk_join stores a join for the caller's UPDATE … FROM ({table}: a
# psycopg.sql identifier). Temporary and dropped at commit: call inside a transaction.
BULK_RESULT_TABLE_SQL = """
    CREATE TEMPORARY TABLE {table} (id bigint PRIMARY KEY, commune_id bigint NOT NULL)
    ON COMMIT DROP
"""
BULK_RESULT_COPY_SQL = "COPY {table} (id, commune_id) FROM STDIN (FORMAT binary)"
