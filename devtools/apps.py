from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    name = "devtools"
    verbose_name = _("Công cụ phát triển")
