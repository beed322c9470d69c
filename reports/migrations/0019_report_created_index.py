# Built CONCURRENTLY, outside a transaction: reports stay writable while it is built.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("reports", "0018_comment_notifications"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="report",
            index=models.Index(fields=["created_at"], name="report_created_idx"),
        ),
    ]
