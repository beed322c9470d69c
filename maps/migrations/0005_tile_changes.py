# The change markers the public tile cache keys its tiles by (maps.tile_cache).

from django.db import migrations

from maps.sql import tile_cache


class Migration(migrations.Migration):
    dependencies = [
        ("maps", "0004_analysis_bounds"),
        ("reports", "0018_comment_notifications"),
        ("routing_rules", "0003_category_result_photos"),
    ]

    operations = [
        migrations.RunSQL(tile_cache.CREATE, tile_cache.DROP),
    ]
