from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from operations.services import backups_prune


class Command(BaseCommand):
    help = (
        "Xóa các bản sao lưu cũ: giữ bản mới nhất của BACKUP_KEEP_DAILY ngày gần nhất có sao "
        "lưu và của BACKUP_KEEP_WEEKLY tuần gần nhất."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dest", type=Path, help="thư mục chứa các bản sao lưu (BACKUP_DIR)")
        parser.add_argument("--dry-run", action="store_true", help="chỉ liệt kê, không xóa")

    def handle(self, *args, **options):
        result = backups_prune(target_dir=options["dest"], dry_run=options["dry_run"])
        prefix = "[dry-run] Sẽ xóa" if options["dry_run"] else "Đã xóa"
        for path in result.removed:
            self.stdout.write(f"{prefix} {path}")
        self.stdout.write(
            f"{prefix} {len(result.removed)} bản sao lưu, giữ {len(result.kept)} "
            f"({settings.BACKUP_KEEP_DAILY} ngày, {settings.BACKUP_KEEP_WEEKLY} tuần)."
        )
