from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routing_rules", "0002_zones_rules"),
    ]

    operations = [
        migrations.AddField(
            model_name="category",
            name="result_photos_required",
            field=models.BooleanField(default=False, verbose_name="kết quả phải có ảnh"),
        ),
    ]
