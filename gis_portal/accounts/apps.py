from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gis_portal.accounts"
    label = "portal_accounts"
    verbose_name = _("Đăng nhập và xác thực hai lớp")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_init, post_save

        from gis_portal.accounts import tokens

        user_model = get_user_model()
        post_init.connect(tokens.password_remember, sender=user_model, dispatch_uid="portal-pw")
        post_save.connect(tokens.password_saved, sender=user_model, dispatch_uid="portal-pw")
