from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from reports.errors import ReportError
from stats.cube import stats_cube_rebuild
from stats.models import StatsSnapshot
from stats.services import stats_snapshot_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the snapshots /thong-ke/ is served from (all time, this year, this month) and "
        "drop those of past periods. Idempotent; Celery beat runs it every "
        "STATS_SNAPSHOT_SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="show the snapshots and what would change"
        )
        parser.add_argument(
            "--rebuild-summary",
            action="store_true",
            help="first recompute the summary from every report (e.g. after the holiday "
            "calendar changed; minutes at a million reports)",
        )

    def handle(self, *args, **options):
        try:
            for snapshot in StatsSnapshot.objects.order_by("key"):
                self.stdout.write(f"Now: {snapshot} ({snapshot.seconds} s).")
            if options["rebuild_summary"] and not options["dry_run"]:
                rebuilt = stats_cube_rebuild()
                self.stdout.write(
                    f"Summary rebuilt from {rebuilt.reports} reports in {rebuilt.seconds} s."
                )
            outcome = stats_snapshot_refresh(dry_run=options["dry_run"])
        except (DatabaseError, ReportError) as exc:
            raise CommandError(f"Could not refresh the statistics snapshots: {exc}") from exc
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run: would rebuild {len(outcome.written)} periods "
                f"({', '.join(outcome.written)}) and remove {outcome.removed} past ones."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {len(outcome.written)} periods ({', '.join(outcome.written)}), removed "
                f"{outcome.removed} past ones, in {outcome.seconds} s."
            )
        )
