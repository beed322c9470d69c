from knox.models import AuthToken

from gis_portal.accounts.management.account_command import AccountCommand
from gis_portal.accounts.tokens import tokens_revoke


class Command(AccountCommand):
    help = "Thu hồi mọi token API của một tài khoản (máy bị mất, nghi lộ token)."
    done_message = "Đã thu hồi {count} token API của '{username}'."
    dry_run_message = "Sẽ thu hồi {count} token API của '{username}' (--dry-run: chưa thu hồi)."

    def rows(self, user):
        return AuthToken.objects.filter(user=user)

    def apply(self, user):
        return tokens_revoke(user=user)
