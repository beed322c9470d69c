from django_otp.plugins.otp_totp.models import TOTPDevice

from gis_portal.accounts.management.account_command import AccountCommand
from gis_portal.accounts.twofactor import devices_reset


class Command(AccountCommand):
    help = (
        "Xóa ứng dụng xác thực hai lớp của một tài khoản (mất điện thoại): lần đăng nhập tới "
        "người đó thiết lập lại."
    )
    done_message = "Đã xóa {count} thiết bị xác thực của '{username}'."
    dry_run_message = "Sẽ xóa {count} thiết bị xác thực của '{username}' (--dry-run: chưa xóa)."

    def rows(self, user):
        return TOTPDevice.objects.filter(user=user)

    def apply(self, user):
        return devices_reset(user=user)
