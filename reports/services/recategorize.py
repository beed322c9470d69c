"""Changing a report's category, which can change the agency that must handle it."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from reports.errors import ReportInvalid
from reports.models import Report, Transition, User
from reports.record_text import record_text
from reports.routing import Suggestion, suggest_agency
from reports.services.common import report_lock_for, transition_record
from reports.services.workflow import assignment_create
from routing_rules.models import Category


@dataclass(frozen=True)
class CategoryChange:
    report: Report
    suggestion: Suggestion
    rerouted: bool


@transaction.atomic
def report_category_change(
    *, actor: User, report: Report, category: Category, reason: str, reroute: bool | None = None
) -> CategoryChange:
    """IOC moves a report to another category, re-routing it only when the IOC confirms.

    When the routing rules send the new category to another agency than the one handling the
    case, `reroute` must say what to do: True re-assigns (new deadline), False keeps the
    current agency. Left unset, nothing changes and the error names the suggested agency.
    """
    report, _ = report_lock_for(user=actor, report=report, action="category")
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid(gettext("Cần nêu lý do đổi lĩnh vực."), field="reason")
    if not category.is_active:
        raise ReportInvalid(gettext("Lĩnh vực này không còn được dùng."), field="category")
    if category.pk == report.category_id:
        raise ReportInvalid(gettext("Phản ánh đã thuộc lĩnh vực này."), field="category")
    previous = report.category
    report.category = category
    suggestion = suggest_agency(report)
    moves = (
        # An agency is handling the case: the new category may move it elsewhere.
        report.status in Report.AGENCY_STATUSES
        and suggestion.agency is not None
        and suggestion.agency.pk != report.current_agency_id
    )
    if moves and reroute is None:
        raise ReportInvalid(
            gettext(
                "Với lĩnh vực mới, quy tắc chuyển xử lý đề xuất %(agency)s: "
                "xác nhận chuyển (reroute=true) hoặc giữ cơ quan hiện tại (reroute=false)."
            )
            % {"agency": suggestion.agency.name},
            field="reroute",
        )
    report.save(update_fields=["category", "updated_at"])
    transition_record(
        report=report,
        action=Transition.Action.RECATEGORIZE,
        actor=actor,
        reason=record_text(f"Đổi lĩnh vực từ “{previous.name}” sang “{category.name}”: {reason}"),
        data={"from": previous.code, "to": category.code},
    )
    if moves and reroute:
        assignment_create(
            actor=actor,
            report=report,
            agency=suggestion.agency,
            suggestion=suggestion,
            reason=record_text(f"Chuyển {suggestion.agency.name} xử lý theo lĩnh vực mới."),
        )
    return CategoryChange(report=report, suggestion=suggestion, rerouted=bool(moves and reroute))
