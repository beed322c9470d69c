from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoundariesConfig(AppConfig):
    name = "boundaries"
    verbose_name = _("Ranh giới hành chính")
