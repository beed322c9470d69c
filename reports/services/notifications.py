"""Who hears about an event, and the message they get (never the reporter's identity)."""

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from outbox.services import outbox_enqueue
from reports import policy
from reports.models import Notification, Report, Role, Transition, User
from reports.services.contact import notice_contact, user_language
from reports.services.mail import (
    agency_mail_enqueue,
    mail_send,
    message_id,
    notification_email_build,
)
from reports.services.sms import sms_enqueue
from reports.signals import transition_delivered

Action = Transition.Action
# The outbox topic whose consumer (reports.apps) e-mails one notification.
NOTIFICATION_EMAIL_TOPIC = "notification.email"

# Events the reporter (and followers) hear about.
CITIZEN_ACTIONS = {
    Action.SUBMIT,
    Action.REJECT,
    Action.ASSIGN,
    Action.START,
    Action.APPROVE_EXTENSION,
    Action.PUBLISH,
    Action.REOPEN,
    Action.MERGE,
    Action.MERGED_IN,
    Action.STATUS_NOTICE,
}
# Events the handling agency hears about.
AGENCY_ACTIONS = {
    Action.ASSIGN,
    Action.APPROVE_EXTENSION,
    Action.DENY_EXTENSION,
    Action.RETURN_RESULT,
    Action.REOPEN,
    Action.INVITE,
    Action.OVERDUE,
    Action.REPLY,
}
# Events the IOC hears about.
IOC_ACTIONS = {
    Action.SUBMIT,
    Action.SEND_BACK,
    Action.SUBMIT_RESULT,
    Action.REQUEST_EXTENSION,
    Action.REPLY,
    Action.RATE,
    Action.OVERDUE,
}


def _recipients(event: Transition) -> set[int]:
    report = event.report
    users: set[int] = set()
    if event.public and event.action in CITIZEN_ACTIONS:
        users.add(report.identity.user_id)
        # Followers are the public: they hear only while the report is public.
        if policy.followers_hear(report):
            users.update(report.follows.values_list("user_id", flat=True))
    if event.action in AGENCY_ACTIONS and report.current_agency_id:
        agencies = {report.current_agency_id}
        if event.action == Action.INVITE:
            agencies = set(
                report.assignments.filter(active=True).values_list("coordinators", flat=True)
            )
        users.update(
            User.objects.filter(
                role=Role.AGENCY_OFFICER, agency_id__in=agencies, is_active=True
            ).values_list("pk", flat=True)
        )
    if event.action == Action.ASSIGN_OFFICER:
        # The officer the unit head gave the case to (reports.services.officers).
        users.add(event.data.get("officer"))
    if event.action in IOC_ACTIONS:
        users.update(
            User.objects.filter(role=Role.IOC_OPERATOR, is_active=True).values_list("pk", flat=True)
        )
    users.discard(event.actor_id)
    users.discard(None)
    return users


def _message(event: Transition) -> tuple[str, str]:
    """In the active language (the caller picks the recipient's); the reason is the record's
    own text, as the case page shows it."""
    report = event.report
    title = gettext("Phản ánh %(reference)s: %(action)s") % {
        "reference": report.reference,
        "action": event.get_action_display(),
    }
    status = gettext("Trạng thái: %(status)s.") % {"status": Report.Status(event.to_status).label}
    lines = [f"“{report.title}”", status]
    if event.public and event.reason:
        lines.append(event.reason)
    if event.action == Action.ASSIGN and report.current_agency_id:
        due = timezone.localtime(report.due_at) if report.due_at else None
        if due:
            lines.append(gettext("Hạn xử lý: %(due)s.") % {"due": f"{due:%d/%m/%Y}"})
    return title, "\n".join(lines)


def transition_notify(*, transition_id: int) -> list[Notification]:
    """Create the in-app notifications of one event, and an outbox message for each e-mail to
    send; safe to run twice (one notification per recipient and event)."""
    event = (
        Transition.objects.select_related("report", "report__identity", "actor")
        .filter(pk=transition_id)
        .first()
    )
    if event is None:
        return []
    # The text is stored as written, in each recipient's language (composed once per language).
    messages: dict[str, tuple[str, str]] = {}
    created = []
    users = User.objects.filter(pk__in=_recipients(event)).only("pk", "email", "phone", "language")
    for user in sorted(users, key=lambda user: user.pk):
        language = user_language(user)
        if language not in messages:
            with translation.override(language):
                messages[language] = _message(event)
        title, body = messages[language]
        with transaction.atomic():
            notification, is_new = Notification.objects.get_or_create(
                user=user,
                transition=event,
                defaults={"report": event.report, "title": title, "body": body},
            )
            contact = notice_contact(report=event.report, user=user) if is_new else None
            if contact and contact.email:
                # Its own message: a mail server that is down delays (and retries) only the
                # e-mails, and one recipient's failure never sends the others' again.
                outbox_enqueue(
                    topic=NOTIFICATION_EMAIL_TOPIC, payload={"notification_id": notification.pk}
                )
            elif contact and contact.phone:
                sms_enqueue(notification=notification, event=event)
        if is_new:
            created.append(notification)
    agency_mail_enqueue(event=event)
    return created


def transition_deliver(*, transition_id: int) -> list[Notification]:
    """The outbox consumer of an event: its notifications, then the apps above the core hear
    of it (reports.signals), in the same transaction as the message's delivery."""
    created = transition_notify(transition_id=transition_id)
    event = Transition.objects.select_related("report").filter(pk=transition_id).first()
    if event is not None:
        transition_delivered.send(sender=Transition, transition=event)
    return created


def notification_message_id(notification: Notification) -> str:
    return message_id("notification", notification.pk, notification.created_at)


def notification_email(*, notification_id: int) -> bool:
    """E-mail one notification once (the outbox consumer of NOTIFICATION_EMAIL_TOPIC), to the
    address reports.services.contact gives (a reporter's: the one given with the report).

    The row is locked and `emailed_at` checked and set in the relay's transaction, so a message
    delivered again, or by two relays, sends nothing more; the send comes last (mail_send). A
    failing mail server raises: the outbox retries with backoff, then dead-letters; the in-app
    notification stands meanwhile."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user", "report__identity")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at:
            return False
        address = notice_contact(report=notification.report, user=notification.user).email
        # Gone with its user's erasure, or the address was removed since.
        if not address:
            return False
        # The stored text is in the recipient's language already; the footer follows it.
        with translation.override(user_language(notification.user)):
            message = notification_email_build(notification, to=address)
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        mail_send(message)
        return True


def notification_mark_read(*, user: User, notification_id: int) -> int:
    return Notification.objects.filter(pk=notification_id, user=user, read_at=None).update(
        read_at=timezone.now()
    )
