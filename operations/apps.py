from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = "Vận hành"

    def ready(self) -> None:
        # Celery signal receivers: heartbeats of the periodic tasks (in workers and beat).
        from operations import beat  # noqa: F401
