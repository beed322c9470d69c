"""Who hears about an event, and the message they get (never the reporter's identity)."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from reports import policy
from reports.models import Notification, Report, Role, Transition, User

logger = logging.getLogger(__name__)
Action = Transition.Action

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
    if event.action in IOC_ACTIONS:
        users.update(
            User.objects.filter(role=Role.IOC_OPERATOR, is_active=True).values_list("pk", flat=True)
        )
    users.discard(event.actor_id)
    users.discard(None)
    return users


def _message(event: Transition) -> tuple[str, str]:
    report = event.report
    title = f"Phản ánh {report.reference}: {event.get_action_display()}"
    lines = [f"“{report.title}”", f"Trạng thái: {Report.Status(event.to_status).label}."]
    if event.public and event.reason:
        lines.append(event.reason)
    if event.action == Action.ASSIGN and report.current_agency_id:
        due = timezone.localtime(report.due_at) if report.due_at else None
        if due:
            lines.append(f"Hạn xử lý: {due:%d/%m/%Y}.")
    return title, "\n".join(lines)


def transition_notify(*, transition_id: int) -> list[Notification]:
    """Create the in-app notifications of one event and e-mail them; safe to run twice."""
    event = (
        Transition.objects.select_related("report", "report__identity", "actor")
        .filter(pk=transition_id)
        .first()
    )
    if event is None:
        return []
    title, body = _message(event)
    created = []
    for user_id in sorted(_recipients(event)):
        with transaction.atomic():
            notification, is_new = Notification.objects.get_or_create(
                user_id=user_id,
                transition=event,
                defaults={"report": event.report, "title": title, "body": body},
            )
        if is_new:
            created.append(notification)
    for notification in created:
        notification_email(notification=notification)
    return created


def notification_email(*, notification: Notification) -> None:
    email = notification.user.email
    if not email:
        return
    try:
        send_mail(
            notification.title,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [email],
            fail_silently=False,
        )
    except Exception:  # the in-app notification stands even when mail is down
        logger.exception("E-mail for notification %s failed", notification.pk)
        return
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())


def notification_mark_read(*, user: User, notification_id: int) -> int:
    return Notification.objects.filter(pk=notification_id, user=user, read_at=None).update(
        read_at=timezone.now()
    )
