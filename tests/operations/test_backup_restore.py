"""A backup restored into a fresh database and media folder holds the same reports, identities
and media files (by sha256); restores never overwrite data; pruning keeps the retention set.

pg_dump only sees committed rows, so the round trip runs with real commits."""

import hashlib
import json
import shutil
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from operations import postgres, sql
from operations.services import DUMP_NAME, MANIFEST_NAME, backup_create, backup_restore
from reports.models import Media, Report, ReporterIdentity
from tests.reports.conftest import MUONG_THANH
from tests.reports.media_samples import gps_jpeg, png

ROUND_TRIP_APPS = ["outbox", "routing_rules", "reports", "operations", "django.contrib.auth"]
round_trip = pytest.mark.django_db(transaction=True, available_apps=ROUND_TRIP_APPS)


def tree_checksums(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_database():
    name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    with postgres.connect(dbname=postgres.MAINTENANCE_DATABASE, autocommit=True) as conn:
        sql.database_drop(conn.cursor(), name=name)


@pytest.fixture
def filed_reports(submit, ubnd_dbp, reporter):
    first = submit(files=[gps_jpeg(), png()])
    second = submit(
        point=MUONG_THANH, full_name="Quàng Văn Khôi", phone="0987654321", files=[png("b.png")]
    )
    return [first, second]


@round_trip
def test_restore_into_a_fresh_database_gives_same_reports_identities_and_media(
    filed_reports, fresh_database, media_root, tmp_path
):
    started = time.perf_counter()
    backup = backup_create(target_dir=tmp_path / "backups")
    backed_up = time.perf_counter()
    restored_media = tmp_path / "restored-media"
    result = backup_restore(archive=backup.path, database=fresh_database, media_root=restored_media)
    finished = time.perf_counter()
    print(f"\nbackup {backed_up - started:.2f}s, restore {finished - backed_up:.2f}s")

    manifest = json.loads((backup.path / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest["counts"] == {"reports": 2, "identities": 2, "media": 3}
    assert manifest["missing_media"] == []
    # The newest migration of the app, whatever its number: the restore checks it against the code.
    newest = max(
        path.stem
        for path in (Path(__file__).resolve().parents[2] / "reports" / "migrations").glob("0*.py")
    )
    assert manifest["migration_heads"]["reports"] == newest
    assert result.counts == manifest["counts"]

    with postgres.connect(dbname=fresh_database) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT reference FROM reports_report ORDER BY reference")
        references = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT r.reference, i.full_name, i.phone, i.email FROM reports_reporteridentity i "
            "JOIN reports_report r ON r.id = i.report_id ORDER BY r.reference"
        )
        identities = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT file FROM reports_media ORDER BY file")
        media_files = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'reports_auditlog_no_%%'")
        audit_triggers = cursor.fetchone()[0]

    assert references == sorted(r.reference for r in filed_reports)
    assert identities == [
        (i.report.reference, i.full_name, i.phone, i.email)
        for i in ReporterIdentity.objects.select_related("report").order_by("report__reference")
    ]
    assert ("Quàng Văn Khôi", "0987654321") in {(i[1], i[2]) for i in identities}
    assert media_files == sorted(Media.objects.values_list("file", flat=True))
    assert tree_checksums(restored_media) == tree_checksums(media_root)
    assert all((restored_media / name).is_file() for name in media_files)
    assert audit_triggers == 2


@round_trip
def test_restore_again_into_the_restored_database_needs_force(
    filed_reports, fresh_database, tmp_path, capsys
):
    backup = backup_create(target_dir=tmp_path / "backups")
    target = ["--database", fresh_database, "--media-root", str(tmp_path / "restored")]
    call_command("backup_restore", str(backup.path), *target)

    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("backup_restore", str(backup.path), *target)
    call_command("backup_restore", str(backup.path), *target, "--force")

    assert "2 phản ánh, 2 danh tính, 3 ảnh/video" in capsys.readouterr().out


@round_trip
def test_restore_refuses_a_database_that_holds_data(filed_reports, tmp_path):
    backup = backup_create(target_dir=tmp_path / "backups")
    live = connection.settings_dict["NAME"]

    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command(
            "backup_restore", str(backup.path), "--database", live,
            "--media-root", str(tmp_path / "elsewhere"),
        )  # fmt: skip

    assert Report.objects.count() == 2
    assert not (tmp_path / "elsewhere").exists()


@round_trip
def test_restore_refuses_a_damaged_dump_before_creating_anything(
    filed_reports, fresh_database, tmp_path
):
    backup = backup_create(target_dir=tmp_path / "backups")
    with (backup.path / DUMP_NAME).open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\xff\xff\xff\xff")

    with pytest.raises(CommandError, match="bị hỏng"):
        call_command("backup_restore", str(backup.path), "--database", fresh_database)
    with postgres.connect(dbname=postgres.MAINTENANCE_DATABASE) as conn:
        exists = conn.execute(sql.DATABASE_EXISTS, [fresh_database]).fetchone()
    assert exists is None


@pytest.mark.django_db
def test_restore_rejects_a_database_name_that_is_not_a_plain_identifier(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{}", encoding="utf-8")
    with pytest.raises(CommandError, match="Tên cơ sở dữ liệu không hợp lệ"):
        call_command("backup_restore", str(tmp_path), "--database", "host=evil dbname=x")


@pytest.mark.django_db
def test_backup_dry_run_writes_nothing(tmp_path, capsys):
    call_command("backup_create", "--dest", str(tmp_path / "backups"), "--dry-run")
    assert "[dry-run]" in capsys.readouterr().out
    assert not (tmp_path / "backups").exists()


def fabricate_backup(folder: Path, when: datetime) -> Path:
    path = folder / when.strftime("%Y%m%dT%H%M%SZ")
    path.mkdir(parents=True)
    (path / MANIFEST_NAME).write_text("{}", encoding="utf-8")
    return path


def test_prune_keeps_newest_of_last_days_and_weeks(tmp_path, settings):
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    folder = tmp_path / "backups"
    daily = {
        day: fabricate_backup(folder, datetime(2026, 11, day, 3, tzinfo=UTC))
        for day in range(1, 31)
    }
    # 22:00 in Hà Nội, still 30 November there: the day's newest.
    late = fabricate_backup(folder, datetime(2026, 11, 30, 15, tzinfo=UTC))
    partial = folder / "20261130T160000Z.partial"
    partial.mkdir()
    unrelated = folder / "notes"
    unrelated.mkdir()

    call_command("backup_prune", "--dest", str(folder), "--dry-run")
    assert len(list(folder.iterdir())) == 33

    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 7, 4
    call_command("backup_prune", "--dest", str(folder))

    # Days 24-30 (newest of each), and the newest of ISO weeks 48, 47 and 46 (Sundays 29,
    # 22 and 15 November; week 49 began on Monday 30 November).
    expected = {late, *(daily[d] for d in (29, 28, 27, 26, 25, 24, 22, 15)), partial, unrelated}
    assert set(folder.iterdir()) == expected


def test_prune_never_removes_the_only_backups_of_a_stopped_timer(tmp_path, settings):
    folder = tmp_path / "backups"
    old = datetime(2025, 1, 1, tzinfo=UTC)
    kept = [fabricate_backup(folder, old - timedelta(days=n)) for n in range(3)]
    settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 2, 0
    call_command("backup_prune", "--dest", str(folder))
    assert set(folder.iterdir()) == set(kept[:2])
    shutil.rmtree(folder)
