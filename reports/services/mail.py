"""E-mail out of the portal: a citizen's copy of a notification, and an agency mailbox's notice
of an event on one of its cases (what its handling officers may read, never the reporter's
identity). Outbox consumers send them, each at most once per row (see `mail_send`)."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.services import outbox_enqueue
from reports import policy
from reports.models import Delivery, Extension, Notification, Report, Transition
from routing_rules.models import Agency

Action = Transition.Action
# The outbox topic whose consumer (reports.apps) e-mails one agency mailbox about one event.
AGENCY_EMAIL_TOPIC = "agency.email"
# Events an agency's mailbox hears about: a case given, returned or reopened to it, its
# deadline passed or moved.
AGENCY_MAIL_ACTIONS = {
    Action.ASSIGN,
    Action.RETURN_RESULT,
    Action.REOPEN,
    Action.OVERDUE,
    Action.APPROVE_EXTENSION,
    Action.DENY_EXTENSION,
}
# An agency's mailbox reads what its handling officers read.
_MAILBOX_VIEWER = policy.Viewer(user=None, parties=frozenset({policy.Party.HANDLER}))


def report_link(report: Report) -> str:
    path = reverse("reports-web:detail", args=[report.reference])
    return settings.NOTIFY_PORTAL_URL.rstrip("/") + path


def message_id(kind: str, pk: int, created_at) -> str:
    """The same Message-ID every time one notice is sent: a repeated send (the server accepted
    it, then the worker died before the commit) is one message to mail systems. The creation
    time keeps ids apart across databases that reuse primary keys."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
    return f"<{kind}-{pk}.{int(created_at.timestamp() * 1_000_000)}@{domain}>"


def mailbox_usable(address: str) -> bool:
    # RFC 2606's .invalid: the placeholders of data/routing/agencies.toml until replaced.
    return bool(address) and not address.lower().rstrip(".").endswith(".invalid")


def mail_send(message: EmailMessage) -> None:
    """Send one message, the last step of its consumer (which marks it sent first, in the same
    transaction): nothing but the commit follows the server's acceptance.

    Once connected, the exchange waits up to EMAIL_DATA_TIMEOUT_SECONDS for the server's
    replies, not EMAIL_TIMEOUT: a server that scans a message before accepting it (RFC 5321
    allows it 10 minutes) would otherwise time out a send it then accepts, and the outbox's
    retry would deliver the message a second time. A server that is down still fails within
    EMAIL_TIMEOUT, at the connection."""
    connection = get_connection(fail_silently=False)
    connection.open()
    try:
        session = getattr(connection, "connection", None)  # smtplib.SMTP of the SMTP backend
        if getattr(session, "sock", None) is not None:
            session.sock.settimeout(settings.EMAIL_DATA_TIMEOUT_SECONDS)
        connection.send_messages([message])
    finally:
        connection.close()


def _headers(kind: str, pk: int, created_at) -> dict[str, str]:
    # RFC 3834: no auto-reply or vacation notice should answer a notice.
    return {"Message-ID": message_id(kind, pk, created_at), "Auto-Submitted": "auto-generated"}


def _footer() -> str:
    return _("Thư gửi tự động từ Cổng tiếp nhận phản ánh hiện trường tỉnh Điện Biên.")


def notification_email_build(notification: Notification, *, to: str) -> EmailMessage:
    """The e-mail of one in-app notification: its text, the link to the report, a footer."""
    lines = [notification.body, ""]
    if notification.report_id:
        lines.append(_("Xem phản ánh: %(link)s") % {"link": report_link(notification.report)})
        lines.append("")
    lines.append(_footer())
    return EmailMessage(
        notification.title,
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [to],
        headers=_headers("notification", notification.pk, notification.created_at),
    )


# --- agency mailboxes ---------------------------------------------------------------------


def _event_agency(event: Transition) -> Agency | None:
    """The agency the event concerns: the one assigned, the one whose extension was decided,
    otherwise the one handling the case."""
    if event.action == Action.ASSIGN and event.data.get("agency"):
        return Agency.objects.filter(code=event.data["agency"]).first()
    if event.action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        extension = (
            Extension.objects.select_related("agency")
            .filter(pk=event.data.get("extension"))
            .first()
        )
        if extension is not None:
            return extension.agency
    return event.report.current_agency


def agency_mail_enqueue(*, event: Transition) -> Delivery | None:
    """One outbox message per (event, agency mailbox), in the caller's transaction; safe to
    run twice (the delivery row's unique key)."""
    if event.action not in AGENCY_MAIL_ACTIONS:
        return None
    agency = _event_agency(event)
    if agency is None or not mailbox_usable(agency.email):
        return None
    delivery, created = Delivery.objects.get_or_create(
        channel=Delivery.Channel.AGENCY_EMAIL, transition=event, agency=agency
    )
    if created:
        outbox_enqueue(topic=AGENCY_EMAIL_TOPIC, payload={"delivery_id": delivery.pk})
    return delivery


def agency_email_build(delivery: Delivery) -> EmailMessage:
    """In the portal's language (Vietnamese): a mailbox is an office's, not one person's."""
    with translation.override(settings.LANGUAGE_CODE):
        return _agency_email(delivery)


def _agency_email(delivery: Delivery) -> EmailMessage:
    event, agency = delivery.transition, delivery.agency
    report = event.report
    action = event.get_action_display()
    lines = [
        _("Kính gửi %(agency)s,") % {"agency": agency.name},
        "",
        _("Phản ánh %(reference)s “%(title)s”: %(action)s.")
        % {"reference": report.reference, "title": report.title, "action": action},
        _("Lĩnh vực: %(category)s.") % {"category": report.category.name},
        _("Địa bàn: %(commune)s.") % {"commune": report.commune.name},
        _("Trạng thái: %(status)s.") % {"status": Report.Status(event.to_status).label},
    ]
    if report.due_at:
        due = timezone.localtime(report.due_at)
        lines.append(_("Hạn xử lý: %(due)s.") % {"due": f"{due:%d/%m/%Y}"})
    if event.reason and (event.public or policy.viewer_sees_internal(_MAILBOX_VIEWER)):
        lines.append(event.reason)
    lines += [
        "",
        _("Xem và xử lý: %(link)s") % {"link": report_link(report)},
        "",
        _("Thông tin của người phản ánh được bảo mật, không gửi kèm thư này."),
        _footer(),
    ]
    return EmailMessage(
        _("Phản ánh %(reference)s: %(action)s") % {"reference": report.reference, "action": action},
        "\n".join(lines),
        settings.DEFAULT_FROM_EMAIL,
        [agency.email],
        headers=_headers("agency", delivery.pk, delivery.created_at),
    )


def agency_email_send(*, delivery_id: int) -> bool:
    """E-mail one agency mailbox about one event once (the consumer of AGENCY_EMAIL_TOPIC).

    The row is locked and `sent_at` checked and set in the relay's transaction, so a message
    delivered again, or by two relays, sends nothing more; a failing mail server raises and
    the outbox retries, then dead-letters."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("agency", "transition__report__category", "transition__report__commune")
            .defer("transition__report__commune__geom")  # the mail names the commune only
            .filter(pk=delivery_id, channel=Delivery.Channel.AGENCY_EMAIL)
            .first()
        )
        # Sent already, or the mailbox was removed since.
        if delivery is None or delivery.sent_at or not mailbox_usable(delivery.agency.email):
            return False
        message = agency_email_build(delivery)
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
        mail_send(message)
        return True
