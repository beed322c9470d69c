from django.core.management.base import BaseCommand
from django.db.models import Count

from outbox.models import OutboxMessage
from outbox.services import outbox_pending, outbox_relay


class Command(BaseCommand):
    help = (
        "Deliver the outbox once (notifications and e-mails written with each change), as the "
        "worker does every OUTBOX_RELAY_SECONDS; for cron and tests. Idempotent: a "
        "delivered message is never delivered again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what is due, send none")

    def handle(self, *args, **options):
        if options["dry_run"]:
            due = outbox_pending().count()
            states = dict(
                OutboxMessage.objects.values_list("state").annotate(n=Count("pk")).order_by()
            )
            self.stdout.write(f"[dry-run] {due} việc đến hạn gửi; theo trạng thái: {states}.")
            return
        outcome = outbox_relay()
        self.stdout.write(
            f"Đã gửi {outcome.sent}, thử lại sau {outcome.retried}, ngừng thử {outcome.dead}."
        )
