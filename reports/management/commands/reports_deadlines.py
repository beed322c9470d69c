from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from reports.services.deadlines import reports_deadlines_check


class Command(BaseCommand):
    help = (
        "Flag overdue reports and send the day-6 status notice to reporters (the same sweep "
        "Celery beat runs). Idempotent: a report is flagged and noticed once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--at", help="pretend it is this moment (YYYY-MM-DDTHH:MM, local time)")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args, **options):
        now = None
        if options["at"]:
            try:
                now = timezone.make_aware(datetime.fromisoformat(options["at"]))
            except ValueError as exc:
                raise CommandError(f"--at: không đọc được thời điểm {options['at']!r}.") from exc
        with transaction.atomic():
            outcome = reports_deadlines_check(
                now=now, progress=lambda items, desc: tqdm(items, desc=desc, disable=None)
            )
            # Rolling back also drops the notifications queued for after commit.
            if options["dry_run"]:
                transaction.set_rollback(True)
        prefix = "[dry-run] " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{len(outcome.overdue)} phản ánh quá hạn, "
            f"{len(outcome.notices)} thông báo tình trạng."
        )
