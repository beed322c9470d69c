"""Backups of the database and the uploaded media, their retention, and a verified restore.

A backup is a folder <BACKUP_DIR>/<UTC time, 20261201T021500Z>/ holding database.dump
(pg_dump -Fc), media.tar and manifest.json (counts, migration heads, sha256 of every file).
It is written as <name>.partial and renamed when complete, so a folder with a plain name is
always a whole backup. Media in a bucket (MEDIA_STORAGE=s3) are not copied here: the bucket's
own versioning and replication keep them (README, "Media on object storage"); the manifest says
so and a restore then leaves the media alone.
"""

import hashlib
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from django.conf import settings
from django.utils.translation import gettext as _
from psycopg import IsolationLevel

from operations import postgres, sql
from operations.postgres import BackupError

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar"
MANIFEST_NAME = "manifest.json"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict
    missing_media: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True)
class RestoreResult:
    database: str
    media_root: Path
    counts: dict[str, int]
    media_files: int
    migration_heads: dict[str, str]
    media_storage: str = "local"


@dataclass(frozen=True)
class PruneResult:
    kept: list[Path]
    removed: list[Path]


class _HashingReader:
    """Hashes a file while tarfile copies it, so each media file is read once."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def _migration_heads(applied: list[tuple[str, str]]) -> dict[str, str]:
    """Per app, its latest applied migration (names are numbered, so the greatest)."""
    heads: dict[str, str] = {}
    for app, name in applied:
        heads[app] = max(heads.get(app, name), name)
    return heads


def backup_create(
    *,
    target_dir: Path | None = None,
    media_root: Path | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> BackupResult:
    """Dump the database, then archive the media, and write the manifest of both."""
    target_dir = Path(target_dir or settings.BACKUP_DIR)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    dbname = postgres.default_params()["dbname"]
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime(STAMP_FORMAT)
    final = target_dir / stamp
    if final.exists():
        raise BackupError(_("Đã có bản sao lưu %(path)s.") % {"path": final})

    with postgres.connect(dbname=dbname) as conn:
        # One REPEATABLE READ transaction, kept open while pg_dump runs on its exported
        # snapshot: the counts and media names below are exactly what the dump holds.
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute(sql.EXPORT_SNAPSHOT)
            snapshot = cursor.fetchone()[0]
            counts = sql.table_counts(cursor)
            referenced = sql.media_names(cursor)
            cursor.execute(sql.APPLIED_MIGRATIONS)
            applied = [tuple(row) for row in cursor.fetchall()]
        manifest = {
            "format": 1,
            "created_at": datetime.now(UTC).isoformat(),
            "media_storage": settings.MEDIA_STORAGE,
            "database": dbname,
            "pg_dump_version": postgres.pg_dump_version(),
            "migration_heads": _migration_heads(applied),
            "counts": counts,
        }
        if dry_run:
            files = _media_files(media_root) if _media_on_disk(manifest) else []
            manifest["media_files"] = len(files)
            manifest["media_bytes"] = sum(p.stat().st_size for p in files)
            return BackupResult(path=final, manifest=manifest, dry_run=True)
        partial = target_dir / f"{stamp}.partial"
        partial.mkdir(parents=True, exist_ok=False)
        try:
            postgres.pg_dump(dbname=dbname, snapshot=snapshot, output=partial / DUMP_NAME)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise

    try:
        # After the dump, never before: a media file is written before the commit of its row
        # and never changed afterwards, so every file a dumped row names is already on disk
        # now and lands in the tar. Files of rows committed after the snapshot come along
        # too; they are harmless (no row points to them in this backup).
        manifest["files"] = {DUMP_NAME: _sha256(partial / DUMP_NAME)}
        media, missing = {}, []
        if _media_on_disk(manifest):
            media = _media_archive(media_root=media_root, output=partial / MEDIA_NAME)
            manifest["files"][MEDIA_NAME] = _sha256(partial / MEDIA_NAME)
            # A row whose file was deleted after the snapshot (an erasure) has no file here.
            missing = [name for name in referenced if name not in media]
        manifest["media"] = media
        manifest["missing_media"] = missing
        (partial / MANIFEST_NAME).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8"
        )
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(path=final, manifest=manifest, missing_media=missing)


def _media_on_disk(manifest: dict) -> bool:
    return manifest.get("media_storage", "local") == "local"


def _media_archive(*, media_root: Path, output: Path) -> dict[str, dict]:
    entries = {}
    with tarfile.open(output, "w") as archive:
        for path in _media_files(media_root):
            name = path.relative_to(media_root).as_posix()
            info = archive.gettarinfo(str(path), arcname=name)
            with path.open("rb") as handle:
                reader = _HashingReader(handle)
                archive.addfile(info, reader)
            entries[name] = {"sha256": reader.digest.hexdigest(), "size": info.size}
    return entries


def backup_manifest_load(*, archive: Path) -> tuple[Path, dict]:
    folder = Path(archive)
    if folder.is_file() and folder.name == MANIFEST_NAME:
        folder = folder.parent
    manifest_path = folder / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BackupError(_("Không phải bản sao lưu: thiếu %(path)s.") % {"path": manifest_path})
    try:
        return folder, json.loads(manifest_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(
            _("Tệp %(path)s hỏng: %(error)s") % {"path": manifest_path, "error": exc}
        ) from exc


def _maintenance():
    return postgres.connect(dbname=postgres.MAINTENANCE_DATABASE, autocommit=True)


def _database_prepare(*, database: str, force: bool) -> None:
    """Create `database`; an existing one must hold no tables unless `force` (then recreated)."""
    with _maintenance() as conn, conn.cursor() as cursor:
        cursor.execute(sql.DATABASE_EXISTS, [database])
        exists = cursor.fetchone() is not None
    if exists:
        with postgres.connect(dbname=database) as conn, conn.cursor() as cursor:
            cursor.execute(sql.USER_RELATIONS)
            in_use = cursor.fetchone()[0] > 0
        if not in_use:
            return
        if not force:
            raise BackupError(
                _(
                    "Cơ sở dữ liệu %(name)s đã có dữ liệu: không khôi phục đè lên. Hãy chọn "
                    "một tên mới, hoặc dùng --force để xóa và tạo lại nó."
                )
                % {"name": repr(database)}
            )
    try:
        with _maintenance() as conn, conn.cursor() as cursor:
            if exists:
                sql.database_drop(cursor, name=database)
            sql.database_create(cursor, name=database)
    except psycopg.Error as exc:
        raise BackupError(
            _("Không tạo được cơ sở dữ liệu %(name)s: %(error)s")
            % {"name": repr(database), "error": exc}
        ) from exc


def _media_root_prepare(*, media_root: Path, force: bool) -> None:
    if media_root.is_dir() and any(media_root.iterdir()) and not force:
        raise BackupError(
            _(
                "Thư mục media %(path)s không trống: không khôi phục đè lên. Hãy chọn thư mục "
                "khác (--media-root), hoặc dùng --force."
            )
            % {"path": media_root}
        )
    media_root.mkdir(parents=True, exist_ok=True)


def _checksums_verify(*, folder: Path, manifest: dict) -> None:
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file():
            raise BackupError(_("Bản sao lưu thiếu tệp %(name)s.") % {"name": name})
        if _sha256(path) != expected:
            raise BackupError(
                _("Tệp %(name)s của bản sao lưu bị hỏng (sai sha256).") % {"name": name}
            )


def backup_restore(
    *,
    archive: Path,
    database: str,
    media_root: Path | None = None,
    force: bool = False,
) -> RestoreResult:
    """Restore a backup into a new (or empty) database and media folder, then check that the
    counts and every media file's sha256 are those of the manifest."""
    database = postgres.database_name_check(database)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    folder, manifest = backup_manifest_load(archive=archive)
    _checksums_verify(folder=folder, manifest=manifest)
    on_disk = _media_on_disk(manifest)
    _database_prepare(database=database, force=force)
    if on_disk:
        _media_root_prepare(media_root=media_root, force=force)

    with tempfile.TemporaryDirectory() as work_dir:
        postgres.pg_restore(dbname=database, dump=folder / DUMP_NAME, work_dir=Path(work_dir))
    if on_disk:
        with tarfile.open(folder / MEDIA_NAME) as tar:
            # The "data" filter refuses absolute paths, "..", links out of the folder, devices.
            tar.extractall(media_root, filter="data")

    expected = manifest.get("media", {})
    bad = [
        name
        for name, entry in expected.items()
        if not (media_root / name).is_file() or _sha256(media_root / name) != entry["sha256"]
    ]
    if bad:
        raise BackupError(
            _("%(n)s tệp media khôi phục sai sha256 hoặc bị thiếu: %(names)s.")
            % {"n": len(bad), "names": ", ".join(bad[:10])}
        )
    with postgres.connect(dbname=database) as conn, conn.cursor() as cursor:
        counts = sql.table_counts(cursor)
    if counts != manifest["counts"]:
        raise BackupError(
            _("Số bản ghi sau khôi phục %(counts)s khác bản kê của bản sao lưu %(listed)s.")
            % {"counts": counts, "listed": manifest["counts"]}
        )
    return RestoreResult(
        database=database,
        media_root=media_root,
        counts=counts,
        media_files=len(expected),
        migration_heads=manifest.get("migration_heads", {}),
        media_storage=manifest.get("media_storage", "local"),
    )


def _stamp_time(path: Path) -> datetime | None:
    try:
        return datetime.strptime(path.name, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def backups_prune(
    *,
    target_dir: Path | None = None,
    keep_daily: int | None = None,
    keep_weekly: int | None = None,
    dry_run: bool = False,
) -> PruneResult:
    """Keep the newest backup of each of the last `keep_daily` days that have one, and of each
    of the last `keep_weekly` ISO weeks (days in settings.TIME_ZONE); remove the other whole
    backups. Counting days that have a backup, not calendar days, means a stopped timer never
    lets the last backups age away. Folders of other names (.partial, files) are left alone."""
    target_dir = Path(target_dir or settings.BACKUP_DIR)
    keep_daily = settings.BACKUP_KEEP_DAILY if keep_daily is None else keep_daily
    keep_weekly = settings.BACKUP_KEEP_WEEKLY if keep_weekly is None else keep_weekly
    zone = ZoneInfo(settings.TIME_ZONE)
    dated = []
    if target_dir.is_dir():
        for path in target_dir.iterdir():
            when = _stamp_time(path)
            if when and path.is_dir() and (path / MANIFEST_NAME).is_file():
                dated.append((when, path))
    dated.sort(reverse=True)

    kept: set[Path] = set()
    for limit, bucket in (
        (keep_daily, lambda t: t.astimezone(zone).date()),
        (keep_weekly, lambda t: t.astimezone(zone).isocalendar()[:2]),
    ):
        seen = []
        for when, path in dated:
            key = bucket(when)
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(key)
            kept.add(path)
    removed = [path for _, path in dated if path not in kept]
    if not dry_run:
        for path in removed:
            shutil.rmtree(path)
    return PruneResult(kept=[p for _, p in dated if p in kept], removed=removed)
