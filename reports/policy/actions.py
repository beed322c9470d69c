"""Which action is allowed in which status, to whom, and what a refusal says.

The services call `action_check` before they change anything; pages, the API and templates
call `report_actions_available` to offer exactly the allowed actions.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.errors import ReportForbidden, ReportStateConflict
from reports.models import Report
from reports.policy.roles import AnyUser, Party, Viewer, report_viewer
from reports.policy.visibility import report_is_public

Status = Report.Status
P = Party
# An agency works the case in these statuses; the IOC may re-categorise before and during.
AGENCY = Report.AGENCY_STATUSES
OPEN = Report.OPEN_STATUSES
ANY = tuple(Status)
IOC_ONLY = _("Chỉ cán bộ IOC hoặc giám sát cấp tỉnh được thực hiện thao tác này.")
HANDLER_ONLY = _("Chỉ cơ quan đang được giao xử lý phản ánh mới được thực hiện thao tác này.")
REPORTER_ONLY = _("Chỉ người phản ánh được thực hiện thao tác này.")


@dataclass(frozen=True)
class Rule:
    statuses: tuple[str, ...]
    parties: frozenset[Party]
    refusal: str
    # A further condition on the report (not its status), with the conflict it answers.
    condition: Callable[[Report], bool] | None = None
    conflict: str = ""
    conflict_field: str = "status"


def _rule(statuses, parties, refusal, condition=None, conflict="", field="status") -> Rule:
    return Rule(tuple(statuses), frozenset(parties), refusal, condition, conflict, field)


TRANSITIONS: dict[str, Rule] = {
    "reject": _rule((Status.SUBMITTED, Status.RETURNED), {P.IOC}, IOC_ONLY),
    "assign": _rule((Status.SUBMITTED, Status.RETURNED, Status.REOPENED), {P.IOC}, IOC_ONLY),
    "category": _rule((Status.SUBMITTED, Status.RETURNED, *AGENCY), {P.IOC}, IOC_ONLY),
    "start": _rule((Status.ASSIGNED, Status.REOPENED), {P.HANDLER}, HANDLER_ONLY),
    "extension": _rule(AGENCY, {P.HANDLER}, HANDLER_ONLY),
    "extension-decide": _rule(OPEN, {P.IOC}, IOC_ONLY),
    "invite": _rule(
        AGENCY, {P.IOC, P.HANDLER}, _("Chỉ IOC hoặc cơ quan chủ trì được mời cơ quan phối hợp.")
    ),
    "send-back": _rule(AGENCY, {P.HANDLER}, HANDLER_ONLY),
    "result": _rule(AGENCY, {P.HANDLER}, HANDLER_ONLY),
    "publish": _rule((Status.RESULT_SUBMITTED,), {P.IOC}, IOC_ONLY),
    "return-result": _rule((Status.RESULT_SUBMITTED,), {P.IOC}, IOC_ONLY),
    "reopen": _rule((Status.PUBLISHED,), {P.IOC}, IOC_ONLY),
    "hide": _rule(
        ANY, {P.IOC}, IOC_ONLY, lambda r: not r.hidden, _("Phản ánh đã bị ẩn."), "hidden"
    ),
    "unhide": _rule(
        ANY, {P.IOC}, IOC_ONLY, lambda r: r.hidden, _("Phản ánh đang không bị ẩn."), "hidden"
    ),
    "merge": _rule(OPEN, {P.IOC}, IOC_ONLY),
    # The supervisor signs a hide off, or undoes it with "unhide".
    "hide-approve": _rule(
        ANY,
        {P.SUPERVISOR},
        _("Chỉ giám sát cấp tỉnh được duyệt ẩn phản ánh."),
        lambda r: r.hidden and r.hide_reviewed_at is None,
        _("Phản ánh không chờ duyệt ẩn."),
        "hidden",
    ),
    "rate": _rule((Status.PUBLISHED,), {P.REPORTER}, _("Chỉ người phản ánh được đánh giá.")),
    "dispute": _rule(
        (Status.PUBLISHED,), {P.REPORTER}, _("Chỉ người phản ánh được không đồng ý với kết quả.")
    ),
    "consent": _rule(
        ANY,
        {P.REPORTER},
        _("Chỉ người phản ánh được đồng ý."),
        lambda r: r.current_agency_id is not None,
        _("Phản ánh chưa được giao cho cơ quan nào."),
    ),
    "consent-revoke": _rule(ANY, {P.REPORTER}, _("Chỉ người phản ánh được thu hồi.")),
    "comment": _rule(
        ANY,
        {P.REPORTER, P.IOC, P.HANDLER, P.COORDINATOR},
        _("Chỉ người phản ánh và cán bộ xử lý được trao đổi."),
    ),
    "note": _rule(
        ANY, {P.IOC, P.HANDLER, P.COORDINATOR}, _("Chỉ cán bộ xử lý được ghi chú nội bộ.")
    ),
    # The handling agency reads the identity only with consent (checked by the service).
    "identity": _rule(ANY, {P.IOC, P.HANDLER}, _("Không có quyền xem danh tính người phản ánh.")),
    # A unit head gives the case to one of the agency's officers (reports.policy.officers).
    "assign-officer": _rule(
        AGENCY,
        {P.UNIT_HEAD},
        _("Chỉ trưởng đơn vị của cơ quan đang xử lý được phân công cán bộ."),
    ),
    "follow": _rule(
        OPEN,
        {P.CITIZEN, P.REPORTER, P.IOC, P.HANDLER, P.COORDINATOR, P.PLANNER},
        _("Cần đăng nhập để theo dõi phản ánh."),
        report_is_public,
        _("Chỉ theo dõi được phản ánh đang xử lý."),
    ),
}


def _status_conflict(report: Report, rule: Rule) -> ReportStateConflict:
    labels = ", ".join(str(Status(s).label) for s in rule.statuses)
    return ReportStateConflict(
        gettext(
            "Không thể thực hiện khi phản ánh đang ở trạng thái "
            "“%(status)s” (chỉ áp dụng cho: %(labels)s)."
        )
        % {"status": report.get_status_display(), "labels": labels},
        field="status",
    )


def viewer_action_check(*, viewer: Viewer, report: Report, action: str) -> None:
    """Raise ReportForbidden (403) for the wrong party, ReportStateConflict (409) otherwise."""
    rule = TRANSITIONS[action]
    if not viewer.plays(*rule.parties):
        raise ReportForbidden(rule.refusal)
    if report.status not in rule.statuses:
        raise _status_conflict(report, rule)
    if rule.condition is not None and not rule.condition(report):
        raise ReportStateConflict(rule.conflict, field=rule.conflict_field)


def action_check(*, user: AnyUser, report: Report, action: str) -> Viewer:
    viewer = report_viewer(user=user, report=report)
    viewer_action_check(viewer=viewer, report=report, action=action)
    return viewer


def viewer_action_allowed(*, viewer: Viewer, report: Report, action: str) -> bool:
    rule = TRANSITIONS[action]
    return (
        viewer.plays(*rule.parties)
        and report.status in rule.statuses
        and (rule.condition is None or rule.condition(report))
    )


def viewer_actions_available(*, viewer: Viewer, report: Report) -> frozenset[str]:
    return frozenset(
        name
        for name in TRANSITIONS
        if viewer_action_allowed(viewer=viewer, report=report, action=name)
    )


def report_actions_available(*, user: AnyUser, report: Report) -> frozenset[str]:
    """Exactly the actions this user may take on this report now."""
    return viewer_actions_available(viewer=report_viewer(user=user, report=report), report=report)
