from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from devtools.demo import (
    DemoRefused,
    demo_accounts_reset,
    demo_refuse_in_production,
    demo_reports_load,
)
from devtools.synthetic import SyntheticError


class Command(BaseCommand):
    help = (
        "Fill the portal for a demo: synthetic reports (tag 'demo', kept if already there) and "
        "one account per role, whose new passwords are printed. Refused under production "
        "settings. Staff accounts enrol a second factor at their first sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=3000, help="number of demo reports")
        parser.add_argument("--dry-run", action="store_true", help="say what would be done")

    def handle(self, *args, **options):
        count = options["count"]
        if count < 0:
            raise CommandError("--count must be zero or more")
        try:
            demo_refuse_in_production()
            if options["dry_run"]:
                self.stdout.write(
                    f"Dry run: would load up to {count} demo reports and reset "
                    "the demo accounts' passwords."
                )
                return
            with tqdm(total=count, unit="report", disable=None) as bar:
                written = demo_reports_load(count=count, progress=bar.update)
            accounts = demo_accounts_reset()
        except (DemoRefused, SyntheticError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Demo reports written: {written}."))
        self.stdout.write("Demo accounts (new passwords each run):")
        for account in accounts:
            agency = f" — {account.agency}" if account.agency else ""
            self.stdout.write(
                f"  {account.username:<16} {account.password:<14} {account.role}{agency}: "
                f"{account.label}"
            )
