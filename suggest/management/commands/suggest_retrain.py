from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from suggest.engine import SuggestError
from suggest.services import suggest_model_retrain


class Command(BaseCommand):
    help = (
        "Relearn the category suggestion from the categories' own texts and the verified "
        "reports (the same job Celery beat runs weekly). Idempotent: unchanged data stores "
        "no new model. Web workers load a new model within SUGGEST_MODEL_CHECK_SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, train nothing")

    def handle(self, *args, **options):
        try:
            outcome = suggest_model_retrain(
                dry_run=options["dry_run"],
                progress=lambda items, desc: tqdm(items, desc=desc, unit="phản ánh", disable=None),
            )
        except SuggestError as exc:
            raise CommandError(str(exc)) from exc
        learnt = (
            f"{outcome.reports} phản ánh đã xác minh, {outcome.samples} mẫu, "
            f"{len(outcome.codes)} lĩnh vực"
        )
        if outcome.up_to_date:
            self.stdout.write(f"Mô hình #{outcome.version} đã học đúng dữ liệu này ({learnt}).")
        elif options["dry_run"]:
            self.stdout.write(f"[dry-run] Sẽ học mô hình mới từ {learnt}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Mô hình #{outcome.version}: học từ {learnt}."))
