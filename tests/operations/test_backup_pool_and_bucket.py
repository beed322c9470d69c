"""Backups behind PgBouncer go round it to PostgreSQL itself (pg_dump's session settings must
never land in the shared pool), and with media in a bucket a backup holds the database only:
the bucket's versioning and replication keep the media."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from operations import postgres
from operations.management.commands.backup_create import BUCKET_NOTICE
from operations.postgres import BackupError
from operations.services import MANIFEST_NAME, MEDIA_NAME, backup_create, backup_restore
from tests.operations.test_backup_restore import fresh_database, round_trip  # noqa: F401


def test_backups_refuse_to_dump_through_pgbouncer_in_transaction_mode(settings, tmp_path):
    settings.DB_POOL_MODE = "transaction"
    settings.DB_DIRECT_HOST = settings.DB_DIRECT_PORT = ""
    with pytest.raises(BackupError, match="DB_DIRECT_HOST/DB_DIRECT_PORT"):
        backup_create(target_dir=tmp_path)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())


def test_backups_connect_to_the_direct_address_when_pooled(settings):
    settings.DB_POOL_MODE = "transaction"
    settings.DB_DIRECT_HOST = "10.0.0.5"
    settings.DB_DIRECT_PORT = "5433"
    params = postgres.default_params()
    assert (params["host"], params["port"]) == ("10.0.0.5", "5433")
    assert postgres.client_env()["PGPORT"] == "5433"
    assert params["dbname"] == connection.settings_dict["NAME"]


@round_trip
def test_with_media_in_a_bucket_a_backup_holds_the_database_only(
    submit,
    ubnd_dbp,
    settings,
    media_root,
    fresh_database,  # noqa: F811 — the fixture imported above
    tmp_path,
    capsys,
):
    report = submit()
    settings.MEDIA_STORAGE = "s3"
    media_root.mkdir(parents=True, exist_ok=True)
    (media_root / "stray.jpg").write_bytes(b"not archived")
    call_command("backup_create", dest=tmp_path / "backups")
    assert BUCKET_NOTICE in capsys.readouterr().out
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["media_storage"] == "s3" and manifest["media"] == {}
    assert set(manifest["files"]) == {"database.dump"} and not (folder / MEDIA_NAME).exists()

    # The restore brings the database back and leaves every media folder alone.
    restored_media = tmp_path / "untouched"
    result = backup_restore(archive=folder, database=fresh_database, media_root=restored_media)
    assert result.counts["reports"] == 1 and result.media_storage == "s3"
    assert not restored_media.exists()
    with postgres.connect(dbname=fresh_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT reference FROM reports_report")
        assert cursor.fetchall() == [(report.reference,)]
