from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from operations.postgres import BackupError
from operations.services import backup_restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu vào một cơ sở dữ liệu mới (hoặc trống) và một thư mục media, "
        "rồi kiểm tra số bản ghi và sha256 từng tệp media theo manifest.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="thư mục bản sao lưu (chứa manifest.json)")
        parser.add_argument(
            "--database", required=True, help="tên CSDL đích: mới hoặc trống (được tạo nếu chưa có)"
        )
        parser.add_argument(
            "--media-root", type=Path, help="thư mục media đích (mặc định MEDIA_ROOT)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="xóa và tạo lại CSDL đích đã có dữ liệu, ghi đè thư mục media không trống",
        )

    def handle(self, *args, **options):
        try:
            result = backup_restore(
                archive=options["archive"],
                database=options["database"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = result.counts
        media_place = result.media_root
        if result.media_storage != "local":
            media_place = "bucket S3 (media không nằm trong bản sao lưu, giữ nguyên)"
        self.stdout.write(
            f"Đã khôi phục vào CSDL {result.database} và {media_place}: "
            f"{counts['reports']} phản ánh, {counts['identities']} danh tính, "
            f"{counts['media']} ảnh/video, {result.media_files} tệp media đúng sha256."
        )
        self.stdout.write(
            "Nếu mã nguồn mới hơn bản sao lưu, chạy `manage.py migrate` với DB_NAME="
            f"{result.database} trước khi dùng CSDL này."
        )
