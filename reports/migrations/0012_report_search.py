"""Full-text search over reports that ignores Vietnamese diacritics ("cot dien" finds "cột
điện"): unaccent wrapped as IMMUTABLE (the extension's own function is only STABLE, so an
index cannot use it) and a GIN index on exactly the expression reports.sql searches."""

from django.db import migrations

from reports.sql import REPORT_SEARCH_VECTOR

FUNCTION = """
CREATE OR REPLACE FUNCTION reports_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_volunteers_claims")]

    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS unaccent", migrations.RunSQL.noop),
        migrations.RunSQL(FUNCTION, "DROP FUNCTION IF EXISTS reports_unaccent(text)"),
        migrations.RunSQL(
            f"CREATE INDEX reports_report_search ON reports_report USING gin ({REPORT_SEARCH_VECTOR})",
            "DROP INDEX IF EXISTS reports_report_search",
        ),
    ]
