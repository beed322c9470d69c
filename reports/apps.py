from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = gettext_lazy("Phản ánh hiện trường")

    def ready(self) -> None:
        from outbox.services import outbox_consumer_register
        from reports.services.claims import CLAIM_CODE_TOPIC, claim_code_send
        from reports.services.comment_notify import COMMENT_NOTIFY_TOPIC, comment_notify
        from reports.services.common import TRANSITION_NOTIFY_TOPIC
        from reports.services.mail import AGENCY_EMAIL_TOPIC, agency_email_send
        from reports.services.notifications import (
            NOTIFICATION_EMAIL_TOPIC,
            notification_email,
            transition_deliver,
        )
        from reports.services.sms import SMS_TOPIC, sms_send

        outbox_consumer_register(
            topic=TRANSITION_NOTIFY_TOPIC,
            consumer=lambda payload: transition_deliver(transition_id=payload["transition_id"]),
        )
        outbox_consumer_register(
            topic=NOTIFICATION_EMAIL_TOPIC,
            consumer=lambda payload: notification_email(notification_id=payload["notification_id"]),
        )
        outbox_consumer_register(
            topic=AGENCY_EMAIL_TOPIC,
            consumer=lambda payload: agency_email_send(delivery_id=payload["delivery_id"]),
        )
        outbox_consumer_register(
            topic=SMS_TOPIC, consumer=lambda payload: sms_send(delivery_id=payload["delivery_id"])
        )
        outbox_consumer_register(
            topic=COMMENT_NOTIFY_TOPIC,
            consumer=lambda payload: comment_notify(comment_id=payload["comment_id"]),
        )
        outbox_consumer_register(
            topic=CLAIM_CODE_TOPIC,
            consumer=lambda payload: claim_code_send(claim_id=payload["claim_id"]),
        )
