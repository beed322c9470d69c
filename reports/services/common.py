"""Helpers shared by the report services: locking, permission checks, the event log."""

from django.db import transaction

from reports.errors import ReportForbidden, ReportNotFound, ReportStateConflict
from reports.models import Report, Role, Transition, User
from reports.selectors import report_scope

IOC_ROLES = {Role.IOC_OPERATOR, Role.SUPERVISOR, Role.ADMIN}


def is_ioc(user: User) -> bool:
    return user.is_superuser or user.role in IOC_ROLES


def is_supervisor(user: User) -> bool:
    return user.is_superuser or user.role in {Role.SUPERVISOR, Role.ADMIN}


def report_lock(*, user: User, report: Report) -> Report:
    """Re-read the report under a row lock, refusing one outside the user's scope (404)."""
    if not report_scope(user=user).filter(pk=report.pk).exists():
        raise ReportNotFound("Không tìm thấy phản ánh.", field="reference")
    return Report.objects.select_for_update().get(pk=report.pk)


def require(condition: bool, message: str) -> None:
    if not condition:
        raise ReportForbidden(message)


def require_ioc(user: User) -> None:
    require(is_ioc(user), "Chỉ cán bộ IOC hoặc giám sát cấp tỉnh được thực hiện thao tác này.")


def require_handler(user: User, report: Report) -> None:
    """The officer must belong to the agency currently handling the report."""
    require(
        user.role == Role.AGENCY_OFFICER
        and user.agency_id is not None
        and user.agency_id == report.current_agency_id,
        "Chỉ cơ quan đang được giao xử lý phản ánh mới được thực hiện thao tác này.",
    )


def require_status(report: Report, *allowed: str) -> None:
    if report.status not in allowed:
        labels = ", ".join(str(Report.Status(s).label) for s in allowed)
        raise ReportStateConflict(
            f"Không thể thực hiện khi phản ánh đang ở trạng thái "
            f"“{report.get_status_display()}” (chỉ áp dụng cho: {labels}).",
            field="status",
        )


def actor_label(user: User | None, report: Report | None = None) -> str:
    """How an actor appears on timelines: a role or agency, never a citizen's name."""
    if user is None:
        return "Hệ thống"
    if user.role == Role.AGENCY_OFFICER and user.agency_id:
        return user.agency.name
    if is_ioc(user):
        return "Trung tâm IOC tỉnh Điện Biên"
    if user.role == Role.PLANNER:
        return "Cán bộ tổng hợp"
    if report is not None and report.identity.user_id == user.pk:
        return "Người phản ánh"
    return "Người dân"


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
    """Log the event, move the status and queue notifications after commit."""
    from reports.tasks import transition_notify_task

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
        transaction.on_commit(lambda: transition_notify_task.delay(event.pk))
    return event
