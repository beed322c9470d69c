"""Inside the handling agency: its unit head gives a case to one of its officers."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import policy
from reports.errors import ReportInvalid
from reports.models import Report, Transition, User
from reports.record_text import record_text
from reports.services.common import report_lock_for, transition_record


def officer_display_name(officer: User) -> str:
    return officer.full_name or officer.username


@transaction.atomic
def report_officer_assign(*, actor: User, report: Report, officer: User) -> Report:
    """Give the case to `officer` (an active officer of the agency handling it), on the
    case's internal timeline, and tell the officer in-app. The same officer again changes
    nothing."""
    report, _viewer = report_lock_for(user=actor, report=report, action=policy.ASSIGN_OFFICER)
    if not policy.officer_eligible(officer=officer, report=report):
        raise ReportInvalid(
            _("Chỉ phân công được cho cán bộ đang hoạt động của cơ quan đang xử lý phản ánh."),
            field="officer",
        )
    if report.assigned_officer_id == officer.pk:
        return report
    previous = report.assigned_officer_id
    report.assigned_officer = officer
    report.officer_assigned_at = timezone.now()
    report.save(update_fields=["assigned_officer", "officer_assigned_at", "updated_at"])
    # Stored text, as every timeline entry, in the portal's language.
    name = officer_display_name(officer)
    transition_record(
        report=report,
        action=Transition.Action.ASSIGN_OFFICER,
        actor=actor,
        reason=record_text(
            f"Phân công cán bộ {name} xử lý."
            if previous is None
            else f"Chuyển cán bộ {name} xử lý."
        ),
        public=False,
        data={"officer": officer.pk, "previous": previous},
    )
    return report
