from django.db import migrations

# One row whose token changes with every statement that writes editions, units or pieces,
# whatever writes them (ORM, admin, raw SQL, bulk loads). The in-process locate index
# (boundaries/index.py) compares it with the token it was built at. Tokens come from a
# sequence, which a rollback does not rewind: a rolled-back change restores the previous
# token, which differs from the one an index built inside that transaction saw (no ABA).
FORWARD = """
CREATE SEQUENCE boundaries_version_seq;
CREATE TABLE boundaries_version (
    id smallint PRIMARY KEY CHECK (id = 1),
    token bigint NOT NULL
);
INSERT INTO boundaries_version (id, token) VALUES (1, nextval('boundaries_version_seq'));

CREATE OR REPLACE FUNCTION boundaries_version_bump() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE boundaries_version SET token = nextval('boundaries_version_seq') WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER boundaries_edition_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boundaries_edition
FOR EACH STATEMENT EXECUTE FUNCTION boundaries_version_bump();
CREATE TRIGGER boundaries_adminunit_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boundaries_adminunit
FOR EACH STATEMENT EXECUTE FUNCTION boundaries_version_bump();
CREATE TRIGGER boundaries_adminunitpart_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boundaries_adminunitpart
FOR EACH STATEMENT EXECUTE FUNCTION boundaries_version_bump();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS boundaries_adminunitpart_version ON boundaries_adminunitpart;
DROP TRIGGER IF EXISTS boundaries_adminunit_version ON boundaries_adminunit;
DROP TRIGGER IF EXISTS boundaries_edition_version ON boundaries_edition;
DROP FUNCTION IF EXISTS boundaries_version_bump();
DROP TABLE IF EXISTS boundaries_version;
DROP SEQUENCE IF EXISTS boundaries_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [("boundaries", "0002_subdivide_trigger")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
