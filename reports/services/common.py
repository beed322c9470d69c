"""Helpers shared by the report services: locking with the policy's checks, the event log."""

from django.utils.translation import gettext, gettext_noop

from outbox.services import outbox_enqueue
from reports import policy
from reports.errors import ReportNotFound
from reports.models import Report, Transition, User

# The outbox topic whose consumer (reports.apps) notifies an event's recipients.
TRANSITION_NOTIFY_TOPIC = "transition.notify"


def report_lock(*, user: User, report: Report) -> Report:
    """Re-read the report under a row lock, refusing one outside the user's scope (404)."""
    if not policy.reports_visible(user=user).filter(pk=report.pk).exists():
        raise ReportNotFound(gettext("Không tìm thấy phản ánh."), field="reference")
    return Report.objects.select_for_update().get(pk=report.pk)


def report_lock_for(*, user: User, report: Report, action: str) -> tuple[Report, policy.Viewer]:
    """Lock the report and check, on its fresh state, that the policy allows `action`:
    404 outside the user's scope, 403 for the wrong party, 409 in the wrong status."""
    locked = report_lock(user=user, report=report)
    viewer = policy.action_check(user=user, report=locked, action=action)
    return locked, viewer


def actor_label(user: User | None, report: Report | None = None) -> str:
    """How an actor appears on timelines: a role or agency, never a citizen's name.

    Stored in Vietnamese, the record's language: a page shows it translated at display time
    (`{% translate t.actor_label %}`, Transition.actor_label_shown), an agency's name as is."""
    if user is None:
        return gettext_noop("Hệ thống")
    if policy.user_is_officer(user):
        return user.agency.name
    if policy.user_is_ioc(user):
        return gettext_noop("Trung tâm IOC tỉnh Điện Biên")
    if policy.user_is_planner(user):
        return gettext_noop("Cán bộ tổng hợp")
    if report is not None and report.identity.user_id == user.pk:
        return gettext_noop("Người phản ánh")
    if policy.user_is_volunteer(user):
        return gettext_noop("Tình nguyện viên hỗ trợ")
    return gettext_noop("Người dân")


def transition_record(
    *,
    report: Report,
    action: str,
    actor: User | None,
    to_status: str | None = None,
    reason: str = "",
    public: bool = True,
    data: dict | None = None,
    notify: bool = True,
) -> Transition:
    """Log the event, move the status and write its notifications to the outbox."""
    # A new report has no previous status.
    from_status = "" if action == Transition.Action.SUBMIT else report.status
    to_status = to_status or report.status
    if to_status != report.status:
        report.status = to_status
        report.save(update_fields=["status", "updated_at"])
    event = Transition.objects.create(
        report=report,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=actor_label(actor, report),
        reason=reason,
        public=public,
        data=data or {},
    )
    if notify:
        outbox_enqueue(topic=TRANSITION_NOTIFY_TOPIC, payload={"transition_id": event.pk})
    return event
