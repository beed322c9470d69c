"""What the per-account commands share: the account by its username, and a dry run that
counts what would go."""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import QuerySet

from reports.models import User


class AccountCommand(BaseCommand):
    done_message = "{count} — {username}"
    dry_run_message = "{count} — {username} (--dry-run)"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không xóa gì.")

    def rows(self, user: User) -> QuerySet:
        raise NotImplementedError

    def apply(self, user: User) -> int:
        raise NotImplementedError

    def handle(self, *args, username: str, dry_run: bool, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản '{username}'.")
        if dry_run:
            message, count = self.dry_run_message, self.rows(user).count()
        else:
            message, count = self.done_message, self.apply(user)
        self.stdout.write(message.format(count=count, username=username))
