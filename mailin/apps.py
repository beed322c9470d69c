from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailinConfig(AppConfig):
    name = "mailin"
    verbose_name = _("Phản ánh qua thư điện tử")

    def ready(self) -> None:
        from mailin.services.replies import (
            MAIL_REPLY_TOPIC,
            draft_discarded_reply,
            reply_send,
            report_filed_reply,
        )
        from outbox.services import outbox_consumer_register
        from reports.signals import draft_discarded, transition_delivered

        outbox_consumer_register(
            topic=MAIL_REPLY_TOPIC,
            consumer=lambda payload: reply_send(reply_id=payload["reply_id"]),
        )
        transition_delivered.connect(report_filed_reply, dispatch_uid="mailin-filed-reply")
        draft_discarded.connect(draft_discarded_reply, dispatch_uid="mailin-discarded-reply")
