from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from boundaries.models import AdminUnit
from boundaries.services.editions import EDITION_2025, edition_ensure
from boundaries.services.importing import boundaries_import
from boundaries.services.sources import SourceError


class Command(BaseCommand):
    help = (
        "Import administrative boundaries (GeoJSON or GeoPackage, .xz accepted) into an edition. "
        "Without file options, loads Điện Biên's province and communes from BOUNDARIES_DATA_DIR."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provinces", type=Path, help="GeoJSON/GeoPackage with provinces")
        parser.add_argument("--communes", type=Path, help="GeoJSON/GeoPackage with communes")
        parser.add_argument(
            "--gpkg",
            type=Path,
            help="national GeoPackage (layers 'provinces' and 'communes'), .xz accepted",
        )
        parser.add_argument(
            "--province",
            action="append",
            dest="province_codes",
            metavar="CODE",
            help="only this province (2-digit code); repeat for several",
        )
        parser.add_argument("--edition", default=EDITION_2025["slug"], help="edition slug")
        parser.add_argument(
            "--valid-from",
            type=date.fromisoformat,
            help="first day of a new edition (YYYY-MM-DD); required for an unknown edition",
        )
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the edition already holds the served provinces' communes",
        )

    def handle(self, *args, **options):
        province_path, commune_path = self._paths(options)
        edition = self._edition(options)
        if (
            options["if_empty"]
            and AdminUnit.objects.filter(
                edition__slug=options["edition"],
                level=AdminUnit.Level.COMMUNE,
                province_code__in=settings.BOUNDARIES_SERVED_PROVINCES,
            ).exists()
        ):
            self.stdout.write(f"Edition {options['edition']} already loaded; nothing to do.")
            return
        codes = set(options["province_codes"] or []) or None
        for code in codes or ():
            if not (code.isdigit() and len(code) == 2):
                raise CommandError(f"--province: expected a 2-digit code, got {code!r}")

        def progress(items, label, total):
            return tqdm(items, desc=label, total=total, unit=" đơn vị", disable=None)

        try:
            report = boundaries_import(
                edition=edition,
                province_path=province_path,
                commune_path=commune_path,
                province_codes=codes,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        self._print(report)

    def _paths(self, options) -> tuple[Path | None, Path | None]:
        gpkg = options["gpkg"]
        if gpkg and (options["provinces"] or options["communes"]):
            raise CommandError("--gpkg cannot be combined with --provinces/--communes")
        if gpkg:
            return gpkg, gpkg
        if options["provinces"] or options["communes"]:
            return options["provinces"], options["communes"]
        base = Path(settings.BOUNDARIES_DATA_DIR) / "dien-bien"
        return base / "province.geojson", base / "communes.geojson"

    def _edition(self, options):
        slug = options["edition"]
        if slug == EDITION_2025["slug"]:
            return edition_ensure(**EDITION_2025)
        from boundaries.models import Edition

        edition = Edition.objects.filter(slug=slug).first()
        if edition:
            return edition
        if not options["valid_from"]:
            raise CommandError(f"edition {slug!r} does not exist: give --valid-from to create it")
        if options["dry_run"]:
            raise CommandError(f"edition {slug!r} does not exist; create it without --dry-run")
        return edition_ensure(slug=slug, name=f"Ranh giới {slug}", valid_from=options["valid_from"])

    def _print(self, report):
        prefix = "[dry run] would have " if report.dry_run else ""
        self.stdout.write(
            f"{prefix}created {len(report.created)}, updated {len(report.updated)}, "
            f"unchanged {report.unchanged}"
        )
        for code, reason in report.repaired:
            self.stdout.write(f"  repaired invalid geometry of {code}: {reason}")
        for district, communes in report.districts.items():
            self.stdout.write(f"  former district {district}: {len(communes)} communes")
        if report.updated:
            self.stdout.write(f"  updated: {', '.join(report.updated)}")
        style = self.style.WARNING if report.dry_run else self.style.SUCCESS
        self.stdout.write(style("Dry run: nothing was written." if report.dry_run else "Done."))
