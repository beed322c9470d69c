from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Phản ánh hiện trường"

    def ready(self) -> None:
        from outbox.services import outbox_consumer_register
        from reports.services.common import TRANSITION_NOTIFY_TOPIC
        from reports.services.notifications import (
            NOTIFICATION_EMAIL_TOPIC,
            notification_email,
            transition_notify,
        )

        outbox_consumer_register(
            topic=TRANSITION_NOTIFY_TOPIC,
            consumer=lambda payload: transition_notify(transition_id=payload["transition_id"]),
        )
        outbox_consumer_register(
            topic=NOTIFICATION_EMAIL_TOPIC,
            consumer=lambda payload: notification_email(notification_id=payload["notification_id"]),
        )
