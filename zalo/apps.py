from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZaloConfig(AppConfig):
    name = "zalo"
    verbose_name = _("Phản ánh qua Zalo")

    def ready(self) -> None:
        from outbox.services import outbox_consumer_register
        from reports.signals import draft_discarded, transition_delivered
        from zalo.services import DRAFT_TOPIC, REPLY_TOPIC, conversation_draft, reply_send

        outbox_consumer_register(
            topic=REPLY_TOPIC, consumer=lambda payload: reply_send(reply_id=payload["reply_id"])
        )
        outbox_consumer_register(
            topic=DRAFT_TOPIC,
            consumer=lambda payload: conversation_draft(conversation_id=payload["conversation_id"]),
        )
        transition_delivered.connect(_heard, dispatch_uid="zalo.transition_hear")
        draft_discarded.connect(_discarded, dispatch_uid="zalo.draft_discarded")


def _heard(sender, transition, **kwargs) -> None:
    from zalo.notices import transition_hear

    transition_hear(transition=transition)


def _discarded(sender, draft, **kwargs) -> None:
    from zalo.notices import draft_discarded_hear

    draft_discarded_hear(draft=draft)
