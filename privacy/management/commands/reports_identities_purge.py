from django.conf import settings
from django.core.management.base import BaseCommand

from privacy.services import identities_retention_purge


class Command(BaseCommand):
    help = (
        "Wipe the reporter's identity (name, phone, e-mail) of cases closed more than "
        "REPORTS_IDENTITY_RETENTION_DAYS ago, as Celery beat does daily. Reports and statistics "
        "are untouched. Idempotent: a wiped identity is not counted again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only, wipe nothing")

    def handle(self, *args, **options):
        count = identities_retention_purge(dry_run=options["dry_run"])
        prefix = "[dry-run] " if options["dry_run"] else ""
        days = settings.REPORTS_IDENTITY_RETENTION_DAYS
        self.stdout.write(f"{prefix}{count} danh tính quá {days} ngày sau khi kết thúc vụ việc.")
