from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.postgres import BackupError
from operations.services import backup_create

BUCKET_NOTICE = (
    "Media nằm trong bucket S3 (MEDIA_STORAGE=s3): không sao lưu vào đây. Hãy bật versioning "
    "và sao chép (replication) của bucket sang nơi khác."
)


class Command(BaseCommand):
    help = (
        "Sao lưu cơ sở dữ liệu (pg_dump -Fc, một snapshot) rồi thư mục media, kèm manifest.json "
        "(số bản ghi, sha256 từng tệp) vào BACKUP_DIR/<thời điểm UTC>/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dest", type=Path, help="thư mục chứa các bản sao lưu (BACKUP_DIR)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ cho biết sẽ sao lưu gì")

    def handle(self, *args, **options):
        try:
            result = backup_create(target_dir=options["dest"], dry_run=options["dry_run"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        counts = manifest["counts"]
        summary = (
            f"CSDL {manifest['database']}: {counts['reports']} phản ánh, "
            f"{counts['identities']} danh tính, {counts['media']} ảnh/video"
        )
        if manifest["media_storage"] != "local":
            self.stdout.write(BUCKET_NOTICE)
        if result.dry_run:
            self.stdout.write(
                f"[dry-run] Sẽ sao lưu vào {result.path}: {summary}; "
                f"{manifest['media_files']} tệp media ({manifest['media_bytes']} byte)."
            )
            return
        for name in result.missing_media:
            self.stderr.write(f"Cảnh báo: tệp media {name} có trong CSDL nhưng không còn trên đĩa.")
        self.stdout.write(
            f"Đã sao lưu vào {result.path}: {summary}; {len(manifest['media'])} tệp media."
        )
