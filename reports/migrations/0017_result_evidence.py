import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0016_officer_assignment"),
    ]

    operations = [
        migrations.AddField(
            model_name="media",
            name="result",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="evidence",
                to="reports.result",
                verbose_name="kết quả xử lý",
            ),
        ),
        migrations.AddField(
            model_name="media",
            name="role",
            field=models.CharField(
                choices=[
                    ("report", "Ảnh phản ánh"),
                    ("before", "Trước khi xử lý"),
                    ("after", "Sau khi xử lý"),
                ],
                default="report",
                max_length=6,
                verbose_name="vai trò",
            ),
        ),
    ]
