from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maps.errors import HtmlReportError
from maps.html_report import html_report_build
from reports.models import Role, User


class Command(BaseCommand):
    help = (
        "Write a standalone HTML map report (folium, Leaflet inlined: opens offline) for one "
        "commune or former district, with every report in it."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="commune (5 digits) or former district (3 digits) code")
        parser.add_argument("--output", type=Path, help="output file (default bao-cao-<unit>.html)")
        parser.add_argument("--dry-run", action="store_true", help="build, write nothing")

    def handle(self, *args, **options):
        # The command runs with the rights of a province analyst (all reports, no identities).
        analyst = User(username="maps-command", role=Role.PLANNER, is_active=True)
        try:
            page = html_report_build(user=analyst, unit_code=options["unit"]).page
        except HtmlReportError as exc:
            raise CommandError(exc.reason) from exc
        output = options["output"] or Path(f"bao-cao-{options['unit']}.html")
        if options["dry_run"]:
            self.stdout.write(f"Dry run: report for {options['unit']} is {len(page)} characters.")
            return
        output.write_text(page, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {output} ({len(page)} characters)."))
