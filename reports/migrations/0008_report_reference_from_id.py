from django.db import migrations, models

# A new report's reference is written by its own INSERT: the service gives the prefix
# ("PA-2026-", the year in the portal's time zone) and this trigger appends the row's id, at
# least 6 digits, as references have always read (PA-<year>-<id>). Other writers (and code
# that still sets the reference afterwards, during a rolling deploy) are left alone.
FORWARD = """
DROP SEQUENCE IF EXISTS reports_report_reference_seq;
CREATE OR REPLACE FUNCTION reports_report_reference_complete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.reference LIKE '%-' THEN
        NEW.reference := NEW.reference || CASE
            WHEN NEW.id < 1000000 THEN lpad(NEW.id::text, 6, '0') ELSE NEW.id::text END;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER reports_report_reference_complete
BEFORE INSERT ON reports_report
FOR EACH ROW EXECUTE FUNCTION reports_report_reference_complete();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reports_report_reference_complete ON reports_report;
DROP FUNCTION IF EXISTS reports_report_reference_complete();
"""


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_media_thumbnails")]

    operations = [
        migrations.AlterField(
            model_name="report",
            name="reference",
            field=models.CharField(
                db_default=None,
                default=None,
                max_length=20,
                null=True,
                unique=True,
                verbose_name="mã phản ánh",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
