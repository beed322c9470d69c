from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from routing_rules.services.loading import DataError, routing_data_dir, routing_data_load


class Command(BaseCommand):
    help = (
        "Load routing data (categories, agencies, special zones, rules) from data/routing/: "
        "idempotent upserts by code, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            help=f"folder with the data files (default {routing_data_dir()})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, **options):
        def progress(items, label, total):
            return tqdm(items, desc=label, total=total, disable=None)

        try:
            report = routing_data_load(
                data_dir=options["data_dir"], dry_run=options["dry_run"], progress=progress
            )
        except DataError as exc:
            raise CommandError(str(exc)) from exc
        prefix = "[dry run] would have " if report.dry_run else ""
        for kind in ("categories", "agencies", "zones", "rules"):
            created = report.created.get(kind, [])
            updated = report.updated.get(kind, [])
            self.stdout.write(
                f"{kind}: {prefix}created {len(created)}, updated {len(updated)}, "
                f"unchanged {report.unchanged[kind]}"
            )
            if updated:
                self.stdout.write(f"  updated: {', '.join(updated)}")
            stale = report.not_in_data.get(kind)
            if stale:
                self.stdout.write(
                    f"  in the database but not in data/ (left as is): {', '.join(stale)}"
                )
        style = self.style.WARNING if report.dry_run else self.style.SUCCESS
        self.stdout.write(style("Dry run: nothing was written." if report.dry_run else "Done."))
