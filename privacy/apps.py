from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Quyền của người dân với dữ liệu cá nhân"
