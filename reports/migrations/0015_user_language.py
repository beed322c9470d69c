from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_hide_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("vi", "Tiếng Việt"), ("en", "English")],
                default="",
                max_length=8,
                verbose_name="ngôn ngữ",
            ),
        ),
    ]
