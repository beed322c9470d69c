"""From a report event to the alerts it matches: one outbox message per event (written by the
receiver of reports.signals.transition_delivered, in the transaction that delivers the
event), whose consumer records every recipient in one statement (alerts.sql) and then writes
their in-app notifications and one outbox message per e-mail. Every step is idempotent."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts.events import event_kind
from alerts.models import AlertDelivery, AreaAlert
from alerts.selectors import alerts_listening
from alerts.services import alert_unsubscribe_token
from alerts.sql import deliveries_insert
from outbox.services import outbox_enqueue
from reports import policy
from reports.models import Notification, Report, Transition

EVENT_TOPIC = "alerts.event"
EMAIL_TOPIC = "alerts.email"
Kind = AlertDelivery.Kind


def transition_alerts_enqueue(*, transition: Transition, **_kwargs) -> None:
    """The receiver: an event that alerts tell of becomes one outbox message."""
    kind = event_kind(transition)
    # No alert that could hear of it (the usual case before anyone subscribes): no message.
    if kind is not None and alerts_listening(kind=kind):
        outbox_enqueue(topic=EVENT_TOPIC, payload={"transition_id": transition.pk, "kind": kind})


def _absolute(path: str) -> str:
    return settings.ALERTS_PORTAL_URL.rstrip("/") + path


def _message(event: Transition, kind: str) -> tuple[str, str, str]:
    """Subject, text and the report's public link: what anyone may read on the report's
    public page, never who filed it."""
    report = event.report
    place = report.commune.display_name
    if kind == Kind.NEW:
        title = _("Phản ánh mới tại %(place)s: %(title)s") % {"place": place, "title": report.title}
    else:
        title = _("Đã có kết quả xử lý tại %(place)s: %(title)s") % {
            "place": place,
            "title": report.title,
        }
    link = _absolute(reverse("reports-web:detail", args=[report.reference]))
    lines = [
        _("Mã phản ánh: %(ref)s") % {"ref": report.reference},
        _("Lĩnh vực: %(name)s") % {"name": report.category.name},
        _("Trạng thái: %(status)s") % {"status": Report.Status(report.status).label},
    ]
    return " ".join(title.split())[:250], "\n".join(lines), link


def alert_event_fanout(*, transition_id: int, kind: str) -> int:
    """The consumer of EVENT_TOPIC: who hears of the event, once each. Returns how many."""
    event = (
        Transition.objects.select_related("report__category", "report__commune")
        .defer("report__commune__geom")  # matching reads the commune's code, not its outline
        .filter(pk=transition_id)
        .first()
    )
    # Asked again: a report hidden since the event was delivered alerts nobody.
    if event is None or event_kind(event) != kind:
        return 0
    delivery_ids = deliveries_insert(transition_id=transition_id, kind=kind)
    if not delivery_ids:
        return 0
    title, body, _link = _message(event, kind)
    deliveries = AlertDelivery.objects.filter(pk__in=delivery_ids).values_list(
        "pk", "user_id", "alert__channel", "user__email"
    )
    in_app = []
    for delivery_id, user_id, channel, email in deliveries:
        if channel == AreaAlert.Channel.EMAIL and email:
            # Its own message: a mail server that is down delays (and retries) only the
            # e-mails, and one address's failure never sends the others' again.
            outbox_enqueue(topic=EMAIL_TOPIC, payload={"delivery_id": delivery_id})
        else:
            in_app.append(
                Notification(
                    user_id=user_id, report=event.report, transition=event, title=title, body=body
                )
            )
    # The user's one notification of this event (notify_once_per_event); the fan-out left out
    # whoever had one already, the conflict clause covers a notification written since.
    Notification.objects.bulk_create(in_app, ignore_conflicts=True)
    return len(delivery_ids)


def alert_message_id(delivery: AlertDelivery) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    stamp = int(delivery.created_at.timestamp() * 1_000_000)
    return f"<alert-{delivery.pk}.{stamp}@{domain}>"


def alert_email(*, delivery_id: int) -> bool:
    """The consumer of EMAIL_TOPIC: e-mail one delivery once, with its one-click unsubscribe
    link (RFC 8058). A failing mail server raises: the outbox retries, then dead-letters."""
    with transaction.atomic():
        delivery = (
            AlertDelivery.objects.select_for_update(of=("self",))
            .select_related("alert", "user", "transition__report__category")
            .select_related("transition__report__commune")
            .defer("transition__report__commune__geom")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.emailed_at or not delivery.user.email:
            return False
        # Switched off since the event, or the report hidden since: nothing to tell.
        if not delivery.alert.active or not policy.report_is_public(delivery.transition.report):
            return False
        title, body, link = _message(delivery.transition, delivery.kind)
        unsubscribe = _absolute(
            reverse("alerts:unsubscribe", args=[alert_unsubscribe_token(delivery.alert)])
        )
        text = "\n".join(
            [
                body,
                _("Xem chi tiết: %(link)s") % {"link": link},
                "",
                _("Bạn nhận thư này vì đã đăng ký theo dõi khu vực trên cổng phản ánh."),
                _("Hủy theo dõi khu vực này: %(link)s") % {"link": unsubscribe},
            ]
        )
        EmailMessage(
            title,
            text,
            settings.DEFAULT_FROM_EMAIL,
            [delivery.user.email],
            headers={
                "Message-ID": alert_message_id(delivery),
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        ).send(fail_silently=False)
        delivery.emailed_at = timezone.now()
        delivery.save(update_fields=["emailed_at"])
        return True
