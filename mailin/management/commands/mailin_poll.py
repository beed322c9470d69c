from django.core.management.base import BaseCommand, CommandError

from mailin.services.imap import MailboxError, imap_poll


class Command(BaseCommand):
    help = "Read the mailbox once (MAILIN_IMAP_*), as the beat task does every minute."

    def handle(self, *args, **options):
        try:
            outcome = imap_poll()
        except MailboxError as exc:
            raise CommandError(str(exc)) from exc
        if outcome.skipped_busy:
            self.stdout.write("Another poll is running.")
            return
        self.stdout.write(
            f"{outcome.handled} mail(s): {outcome.filed} filed, {outcome.drafts} draft(s), "
            f"{outcome.refused} answered with what to fix, {outcome.ignored} ignored."
        )
