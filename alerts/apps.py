from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Theo dõi khu vực")

    def ready(self) -> None:
        from alerts.delivery import (
            EMAIL_TOPIC,
            EVENT_TOPIC,
            alert_email,
            alert_event_fanout,
            transition_alerts_enqueue,
        )
        from alerts.services import alerts_erase, alerts_export
        from outbox.services import outbox_consumer_register
        from reports.signals import account_erasing, account_exporting, transition_delivered

        outbox_consumer_register(
            topic=EVENT_TOPIC,
            consumer=lambda payload: alert_event_fanout(
                transition_id=payload["transition_id"], kind=payload["kind"]
            ),
        )
        outbox_consumer_register(
            topic=EMAIL_TOPIC,
            consumer=lambda payload: alert_email(delivery_id=payload["delivery_id"]),
        )
        transition_delivered.connect(
            transition_alerts_enqueue, dispatch_uid="alerts.transition_alerts_enqueue"
        )
        account_erasing.connect(alerts_erase, dispatch_uid="alerts.erase")
        account_exporting.connect(alerts_export, dispatch_uid="alerts.export")
