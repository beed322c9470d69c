from django.core.management.base import BaseCommand

from maps.cells import cells_refresh
from maps.models import CellRefresh


class Command(BaseCommand):
    help = (
        "Rebuild the report-cell cache that low-zoom tiles, heatmaps and Gi* read (set-based, "
        "all or nothing). Run it periodically (e.g. every 10 minutes, MAPS_CELL_CACHE_MAX_AGE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="show the last rebuild only")

    def handle(self, *args, **options):
        if options["dry_run"]:
            latest = CellRefresh.objects.first()
            self.stdout.write(f"Dry run; last rebuild: {latest or 'never'}.")
            return
        refresh = cells_refresh()
        self.stdout.write(
            self.style.SUCCESS(
                f"{refresh.rows} cells from {refresh.reports} reports in {refresh.seconds} s."
            )
        )
