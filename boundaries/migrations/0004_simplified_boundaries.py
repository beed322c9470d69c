from django.db import migrations

# Each unit's outline simplified once per zoom band (boundaries.simplified.BANDS), so a map
# draws a few thousand vertices at province zoom instead of the 158,000 of the full communes.
# Tolerances are in degrees: in Web Mercator a degree of longitude and one of latitude are
# drawn the same length at any one place, so a tolerance of a fraction of a pixel there is
# one in degrees. Triggers keep the rows in step with the units, as the subdivided pieces; no
# foreign key, since Django's test flush truncates the units without CASCADE and knows nothing
# of this table (a TRUNCATE trigger empties it instead).
# (band, tolerance in degrees): 0.7 of a pixel at the band's zoom, 360 / 256 / 2^band per pixel.
BANDS = [(band, round(0.7 * 360 / 256 / 2**band, 8)) for band in (8, 10, 12, 14, 16)]
VALUES = ", ".join(f"({band}, {tolerance})" for band, tolerance in BANDS)

FORWARD = f"""
CREATE TABLE boundaries_simplified (
    unit_id bigint NOT NULL,
    band smallint NOT NULL,
    geom geometry(MultiPolygon, 4326) NOT NULL,
    PRIMARY KEY (unit_id, band)
);
CREATE INDEX boundaries_simplified_geom ON boundaries_simplified USING gist (geom);

CREATE OR REPLACE FUNCTION boundaries_simplified_rows(unit bigint, outline geometry)
RETURNS void LANGUAGE sql AS $$
    DELETE FROM boundaries_simplified WHERE unit_id = unit;
    INSERT INTO boundaries_simplified (unit_id, band, geom)
    SELECT unit, b.band, ST_Multi(ST_CollectionExtract(
        ST_SimplifyPreserveTopology(outline, b.tolerance), 3))
    FROM (VALUES {VALUES}) AS b(band, tolerance);
$$;

CREATE OR REPLACE FUNCTION boundaries_adminunit_simplify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND ST_AsEWKB(NEW.geom) = ST_AsEWKB(OLD.geom) THEN
        RETURN NEW;
    END IF;
    PERFORM boundaries_simplified_rows(NEW.id, NEW.geom);
    RETURN NEW;
END;
$$;

CREATE TRIGGER boundaries_adminunit_simplify
AFTER INSERT OR UPDATE ON boundaries_adminunit
FOR EACH ROW EXECUTE FUNCTION boundaries_adminunit_simplify();

CREATE OR REPLACE FUNCTION boundaries_adminunit_unsimplify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE boundaries_simplified;
        RETURN NULL;
    END IF;
    DELETE FROM boundaries_simplified WHERE unit_id = OLD.id;
    RETURN OLD;
END;
$$;

CREATE TRIGGER boundaries_adminunit_unsimplify
AFTER DELETE ON boundaries_adminunit
FOR EACH ROW EXECUTE FUNCTION boundaries_adminunit_unsimplify();
CREATE TRIGGER boundaries_adminunit_unsimplify_all
AFTER TRUNCATE ON boundaries_adminunit
FOR EACH STATEMENT EXECUTE FUNCTION boundaries_adminunit_unsimplify();

SELECT boundaries_simplified_rows(id, geom) FROM boundaries_adminunit;
"""

BACKWARD = """
DROP TRIGGER IF EXISTS boundaries_adminunit_unsimplify_all ON boundaries_adminunit;
DROP TRIGGER IF EXISTS boundaries_adminunit_unsimplify ON boundaries_adminunit;
DROP TRIGGER IF EXISTS boundaries_adminunit_simplify ON boundaries_adminunit;
DROP FUNCTION IF EXISTS boundaries_adminunit_unsimplify();
DROP FUNCTION IF EXISTS boundaries_adminunit_simplify();
DROP FUNCTION IF EXISTS boundaries_simplified_rows(bigint, geometry);
DROP TABLE IF EXISTS boundaries_simplified;
"""


class Migration(migrations.Migration):
    dependencies = [("boundaries", "0003_boundaries_version")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
