from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from routing_rules.models import Rule
from routing_rules.services.rerouting import report_source_get, reports_reroute


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = (
        "Route every existing report with the current rules and print which would change agency. "
        "Writes nothing. Use --activate/--deactivate to preview a rule edit before making it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", help="dotted path of the report source (default: ROUTING_REPORT_SOURCE)"
        )
        parser.add_argument(
            "--activate",
            action="append",
            default=[],
            metavar="RULE",
            help="treat this inactive rule as active (repeatable)",
        )
        parser.add_argument(
            "--deactivate",
            action="append",
            default=[],
            metavar="RULE",
            help="treat this rule as inactive (repeatable)",
        )
        parser.add_argument(
            "--at", type=_moment, help="route as of this ISO date/time (default now)"
        )
        parser.add_argument(
            "--explain", action="store_true", help="print the explanation of each change"
        )

    def handle(self, *args, **options):
        try:
            source = report_source_get(options["source"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        named = set(options["activate"]) | set(options["deactivate"])
        unknown = sorted(
            named - set(Rule.objects.filter(code__in=named).values_list("code", flat=True))
        )
        if unknown:
            raise CommandError(f"unknown rule code(s): {', '.join(unknown)}")
        changed = unchanged = errors = 0
        results = reports_reroute(
            source=source,
            at=options["at"],
            activate=options["activate"],
            deactivate=options["deactivate"],
        )
        for result in tqdm(results, desc="phản ánh", unit=" phản ánh", disable=None):
            if result.error:
                errors += 1
                self.stdout.write(f"#{result.report_id}: ERROR {result.error}")
            elif result.changed:
                changed += 1
                rule = result.decision.rule
                how = f"rule {rule.code}" if rule else "fallback: commune UBND"
                self.stdout.write(
                    f"#{result.report_id}: {result.current_agency_code or '(none)'} → "
                    f"{result.proposed_agency_code} ({how})"
                )
                if options["explain"]:
                    for line in result.decision.explanation:
                        self.stdout.write(f"    {line}")
            else:
                unchanged += 1
                if options["verbosity"] >= 2:
                    self.stdout.write(
                        f"#{result.report_id}: unchanged ({result.proposed_agency_code})"
                    )
        self.stdout.write(
            f"{changed + unchanged + errors} reports routed: {changed} would change, "
            f"{unchanged} unchanged, {errors} errors. Nothing was written."
        )
