"""Raw SQL of the backups: the dump's snapshot, counts in it, and databases made for a restore.

Table names come from the models' db_table and are quoted with pg_sql.Identifier; values are
always parameters.
"""

import psycopg
from psycopg import sql as pg_sql

from reports.models import Media, Report, ReporterIdentity

COUNTED_TABLES = {
    "reports": Report._meta.db_table,
    "identities": ReporterIdentity._meta.db_table,
    "media": Media._meta.db_table,
}

EXPORT_SNAPSHOT = "SELECT pg_export_snapshot()"

APPLIED_MIGRATIONS = "SELECT app, name FROM django_migrations ORDER BY app, name"

# Relations a fresh database made from template1 may hold anyway: those of extensions
# (PostGIS' spatial_ref_sys and its views). Anything else means the database is in use.
USER_RELATIONS = """
SELECT count(*) FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
  AND n.nspname NOT LIKE 'pg_temp%%'
  AND NOT EXISTS (
      SELECT 1 FROM pg_depend d
      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e'
  )
"""

DATABASE_EXISTS = "SELECT 1 FROM pg_database WHERE datname = %s"


def table_counts(cursor: psycopg.Cursor) -> dict[str, int]:
    counts = {}
    for key, table in COUNTED_TABLES.items():
        cursor.execute(pg_sql.SQL("SELECT count(*) FROM {}").format(pg_sql.Identifier(table)))
        counts[key] = cursor.fetchone()[0]
    return counts


def media_names(cursor: psycopg.Cursor) -> list[str]:
    """Every stored file the media rows name: the upload and its thumbnails."""
    cursor.execute(
        pg_sql.SQL(
            "SELECT file FROM {table} WHERE file <> '' "
            "UNION SELECT t.value ->> 'name' FROM {table}, "
            "jsonb_each(CASE jsonb_typeof(thumbnails) WHEN 'object' THEN thumbnails "
            "ELSE '{{}}'::jsonb END) AS t "
            "WHERE t.value ->> 'name' IS NOT NULL"
        ).format(table=pg_sql.Identifier(COUNTED_TABLES["media"]))
    )
    return sorted(row[0] for row in cursor.fetchall())


def database_create(cursor: psycopg.Cursor, *, name: str) -> None:
    # From template1, which carries PostGIS here: a role that is not a superuser cannot
    # create the extension itself (the dump's CREATE EXTENSION IF NOT EXISTS then finds it).
    cursor.execute(pg_sql.SQL("CREATE DATABASE {}").format(pg_sql.Identifier(name)))


def database_drop(cursor: psycopg.Cursor, *, name: str) -> None:
    cursor.execute(pg_sql.SQL("DROP DATABASE IF EXISTS {}").format(pg_sql.Identifier(name)))
