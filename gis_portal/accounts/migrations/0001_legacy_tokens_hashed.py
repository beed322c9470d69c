"""DRF's former tokens were stored in plain text and never expired. Citizens' carry over to
knox as digests (their apps keep working until the citizen token lifetime ends); staff tokens,
issued without a second factor, are dropped (staff sign in again). The plain keys are deleted;
the empty legacy table stays, matching the authtoken migrations Django records as applied."""

from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

LEGACY_TABLE = "authtoken_token"


def legacy_tokens_carry(apps, schema_editor):
    connection = schema_editor.connection
    if LEGACY_TABLE not in connection.introspection.table_names():
        return
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS

    AuthToken = apps.get_model("knox", "AuthToken")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id FROM authtoken_token")
        rows = cursor.fetchall()
    # The role names as they stand in this migration (a frozen snapshot, not the policy).
    citizens = set(
        User.objects.filter(
            pk__in=[user_id for _, user_id in rows],
            role="citizen",
            is_staff=False,
            is_superuser=False,
            is_active=True,
        ).values_list("pk", flat=True)
    )
    expiry = timezone.now() + timedelta(hours=settings.PORTAL_TOKEN_TTL_HOURS)
    AuthToken.objects.bulk_create(
        [
            AuthToken(
                digest=hash_token(key),
                token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH],
                user_id=user_id,
                expiry=expiry,
            )
            for key, user_id in rows
            if user_id in citizens
        ],
        ignore_conflicts=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [
        ("knox", "0009_extend_authtoken_field"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(legacy_tokens_carry, migrations.RunPython.noop)]
