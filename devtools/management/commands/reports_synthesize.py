from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from devtools.synthetic import (
    SyntheticError,
    synthetic_delete,
    synthetic_generate,
    synthetic_plan,
)


class Command(BaseCommand):
    help = (
        "Generate N synthetic reports (clustered around settlements, every category and status, "
        "spread over two years) for demos and benchmarks. Rows are tagged: the same --tag and "
        "--seed give the same reports, and re-running replaces the tag's earlier rows. Large "
        "runs (about a minute per million) rebuild the report tables' indexes and keys at the "
        "end and lock those tables until they finish."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=10_000, help="number of reports")
        parser.add_argument("--tag", default="demo", help="1–6 letters/digits naming the set")
        parser.add_argument("--seed", type=int, default=42, help="random seed")
        parser.add_argument("--delete", action="store_true", help="remove the tag's reports")
        parser.add_argument("--dry-run", action="store_true", help="report, write nothing")

    def handle(self, *args, **options):
        tag, count = options["tag"], options["count"]
        try:
            plan = synthetic_plan(tag=tag, count=max(count, 1), seed=options["seed"])
            if options["dry_run"]:
                action = "delete" if options["delete"] else f"write {plan.count}"
                self.stdout.write(
                    f"Dry run: tag {tag} holds {plan.existing} reports; would {action} "
                    f"({plan.communes} communes, {plan.categories} categories)."
                )
                return
            if options["delete"]:
                removed = synthetic_delete(tag=tag)
                self.stdout.write(f"Removed {removed} synthetic reports tagged {tag}.")
                return
            with tqdm(total=count, unit="report", disable=None) as bar:
                written = synthetic_generate(
                    tag=tag, count=count, seed=options["seed"], progress=bar.update
                )
        except SyntheticError as exc:
            raise CommandError(str(exc)) from exc
        replaced = f" (replaced {plan.existing})" if plan.existing else ""
        self.stdout.write(self.style.SUCCESS(f"Wrote {written} reports tagged {tag}{replaced}."))
