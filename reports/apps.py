from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Phản ánh hiện trường"

    def ready(self) -> None:
        from outbox.services import outbox_consumer_register
        from reports.services.common import TRANSITION_NOTIFY_TOPIC
        from reports.services.notifications import transition_notify

        outbox_consumer_register(
            topic=TRANSITION_NOTIFY_TOPIC,
            consumer=lambda payload: transition_notify(transition_id=payload["transition_id"]),
        )
