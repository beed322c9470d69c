from django.db import migrations

# Subdivided pieces (ST_Subdivide, <= 192 vertices each) are what point lookups probe:
# a small bbox and few vertices per piece make ST_Covers cheap. A trigger keeps them in
# step with the unit's geometry whatever writes it (ORM, admin, raw SQL, bulk loads).
MAX_VERTICES = 192

FORWARD = f"""
CREATE OR REPLACE FUNCTION boundaries_adminunit_subdivide() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF ST_AsEWKB(NEW.geom) = ST_AsEWKB(OLD.geom)
           AND NEW.level = OLD.level AND NEW.code = OLD.code
           AND NEW.edition_id = OLD.edition_id
           AND NEW.province_code = OLD.province_code THEN
            RETURN NEW;
        END IF;
        DELETE FROM boundaries_adminunitpart WHERE unit_id = NEW.id;
    END IF;
    INSERT INTO boundaries_adminunitpart (unit_id, edition_id, level, province_code, unit_code, geom)
    SELECT NEW.id, NEW.edition_id, NEW.level, NEW.province_code, NEW.code, piece.geom
    FROM ST_Subdivide(NEW.geom, {MAX_VERTICES}) AS cut(geom), LATERAL ST_Dump(cut.geom) AS piece
    WHERE GeometryType(piece.geom) = 'POLYGON';
    RETURN NEW;
END;
$$;

CREATE TRIGGER boundaries_adminunit_subdivide
AFTER INSERT OR UPDATE ON boundaries_adminunit
FOR EACH ROW EXECUTE FUNCTION boundaries_adminunit_subdivide();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS boundaries_adminunit_subdivide ON boundaries_adminunit;
DROP FUNCTION IF EXISTS boundaries_adminunit_subdivide();
"""


class Migration(migrations.Migration):
    dependencies = [("boundaries", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
