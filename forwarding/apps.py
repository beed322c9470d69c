from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForwardingConfig(AppConfig):
    name = "forwarding"
    verbose_name = _("Chuyển tiếp sang hệ thống của cơ quan")

    def ready(self) -> None:
        from forwarding.services import FORWARDING_TOPIC, delivery_send
        from outbox.services import outbox_consumer_register
        from reports.signals import transition_delivered

        outbox_consumer_register(
            topic=FORWARDING_TOPIC,
            consumer=lambda payload: delivery_send(delivery_id=payload["delivery_id"]),
        )
        transition_delivered.connect(_heard, dispatch_uid="forwarding.transition_forward")


def _heard(sender, transition, **kwargs) -> None:
    from forwarding.services import transition_forward

    transition_forward(transition=transition)
