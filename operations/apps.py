from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Vận hành")

    def ready(self) -> None:
        # Celery signal receivers: heartbeats of the periodic tasks (in workers and beat).
        from operations import beat  # noqa: F401
