"""IOC and agency actions on a report: the QĐ 663 state machine."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from reports.deadlines import deadline_after, deadline_extend
from reports.errors import ReportInvalid, ReportStateConflict
from reports.models import Assignment, Extension, Report, Result, Transition, User
from reports.record_text import record_text
from reports.routing import Suggestion, suggest_agency, suggestion_verify
from reports.services import evidence
from reports.services.common import report_lock_for, transition_record
from routing_rules.models import Agency

Status = Report.Status
Action = Transition.Action


def _required_text(value: str, field: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ReportInvalid(gettext("Cần nhập %(label)s.") % {"label": what}, field=field)
    return value


def handling_deadline(*, report: Report, moment) -> timezone.datetime:
    days = 0 if report.urgent else settings.REPORTS_DEADLINE_WORKING_DAYS
    return deadline_after(moment=moment, days=days)


@transaction.atomic
def report_reject(*, actor: User, report: Report, reason: str, resubmit_hint: str) -> Report:
    """IOC refuses an invalid or unclear report, saying why and how to resubmit."""
    report, _ = report_lock_for(user=actor, report=report, action="reject")
    reason = _required_text(reason, "reason", gettext("lý do từ chối"))
    hint = _required_text(resubmit_hint, "resubmit_hint", gettext("hướng dẫn gửi lại"))
    report.closed_at = timezone.now()
    report.is_overdue = False
    report.save(update_fields=["closed_at", "is_overdue", "updated_at"])
    transition_record(
        report=report,
        action=Action.REJECT,
        actor=actor,
        to_status=Status.REJECTED,
        reason=record_text(f"{reason}\nCách gửi lại: {hint}"),
        data={"resubmit_hint": hint},
    )
    return report


@transaction.atomic
def report_assign(
    *,
    actor: User,
    report: Report,
    agency: Agency,
    override_reason: str = "",
    coordinators: Iterable[Agency] = (),
    suggestion_token: str = "",
) -> Assignment:
    """IOC hands the report to an agency; choosing another than the suggestion needs a reason.

    With `suggestion_token` (what the IOC's page showed) the choice is checked against, and
    recorded with, that suggestion; without it the rules are asked now.
    """
    report, _ = report_lock_for(user=actor, report=report, action="assign")
    if not agency.is_active:
        raise ReportInvalid(gettext("Cơ quan này không còn hoạt động."), field="agency")
    if suggestion_token:
        suggestion = suggestion_verify(report=report, token=suggestion_token)
    else:
        suggestion = suggest_agency(report)
    override_reason = (override_reason or "").strip()
    if suggestion.agency is not None and suggestion.agency.pk != agency.pk and not override_reason:
        raise ReportInvalid(
            gettext("Cần nêu lý do khi chọn cơ quan khác với đề xuất (%(agency)s).")
            % {"agency": suggestion.agency.name},
            field="override_reason",
        )
    return assignment_create(
        actor=actor,
        report=report,
        agency=agency,
        suggestion=suggestion,
        override_reason=override_reason,
        coordinators=coordinators,
    )


def assignment_create(
    *,
    actor: User,
    report: Report,
    agency: Agency,
    suggestion: Suggestion,
    override_reason: str = "",
    coordinators: Iterable[Agency] = (),
    reason: str = "",
) -> Assignment:
    """Make `agency` the handler from now on, with a fresh deadline.

    Callers hold the report's row lock and have checked the actor's rights and the status.
    """
    now = timezone.now()
    report.assignments.filter(active=True).update(active=False)
    assignment = Assignment.objects.create(
        report=report,
        agency=agency,
        suggested_agency=suggestion.agency,
        override_reason=override_reason,
        explanation=suggestion.explanation,
        assigned_by=actor,
    )
    coordinator_list = [a for a in coordinators if a.pk != agency.pk] or [
        a for a in suggestion.coordinators if a.pk != agency.pk
    ]
    assignment.coordinators.set(coordinator_list)
    report.current_agency = agency
    report.assigned_at = now
    report.due_at = handling_deadline(report=report, moment=now)
    report.is_overdue = False
    # A new agency's unit head chooses its own officer.
    report.assigned_officer = None
    report.save(
        update_fields=["current_agency", "assigned_at", "due_at", "is_overdue", "assigned_officer"]
    )
    transition_record(
        report=report,
        action=Action.ASSIGN,
        actor=actor,
        to_status=Status.ASSIGNED,
        reason=reason or record_text(f"Chuyển {agency.name} xử lý."),
        data={
            "agency": agency.code,
            "suggested": suggestion.agency.code if suggestion.agency else None,
            "coordinators": [a.code for a in coordinator_list],
        },
    )
    if override_reason:
        transition_record(
            report=report,
            action=Action.ASSIGN,
            actor=actor,
            reason=record_text(f"Lý do chọn khác đề xuất: {override_reason}"),
            public=False,
            notify=False,
        )
    return assignment


@transaction.atomic
def report_start(*, actor: User, report: Report) -> Report:
    report, _ = report_lock_for(user=actor, report=report, action="start")
    transition_record(report=report, action=Action.START, actor=actor, to_status=Status.IN_PROGRESS)
    return report


@transaction.atomic
def extension_request(*, actor: User, report: Report, days: int, reason: str) -> Extension:
    report, _ = report_lock_for(user=actor, report=report, action="extension")
    reason = _required_text(reason, "reason", gettext("lý do xin gia hạn"))
    if not 1 <= int(days) <= 30:
        raise ReportInvalid(
            gettext("Số ngày gia hạn phải từ 1 đến 30 ngày làm việc."), field="days"
        )
    if report.extensions.filter(state=Extension.State.PENDING).exists():
        raise ReportStateConflict(
            gettext("Đã có một đề nghị gia hạn đang chờ duyệt."), field="days"
        )
    extension = Extension.objects.create(
        report=report, agency=report.current_agency, requested_by=actor, reason=reason, days=days
    )
    transition_record(
        report=report,
        action=Action.REQUEST_EXTENSION,
        actor=actor,
        reason=reason,
        public=False,
        data={"extension": extension.pk, "days": days},
    )
    return extension


@transaction.atomic
def extension_decide(
    *, actor: User, extension: Extension, approve: bool, note: str = ""
) -> Extension:
    report, _ = report_lock_for(user=actor, report=extension.report, action="extension-decide")
    extension = Extension.objects.select_for_update().get(pk=extension.pk)
    if extension.state != Extension.State.PENDING:
        raise ReportStateConflict(gettext("Đề nghị gia hạn này đã được xử lý."), field="extension")
    extension.decided_by = actor
    extension.decided_at = timezone.now()
    extension.decision_note = (note or "").strip()
    if approve:
        extension.state = Extension.State.APPROVED
        extension.old_due_at = report.due_at
        base = report.due_at or timezone.now()
        extension.new_due_at = deadline_extend(due_at=base, days=extension.days)
        report.due_at = extension.new_due_at
        report.is_overdue = report.due_at < timezone.now()
        report.save(update_fields=["due_at", "is_overdue", "updated_at"])
    else:
        extension.state = Extension.State.DENIED
    extension.save()
    due_text = f"{timezone.localtime(report.due_at):%d/%m/%Y}" if report.due_at else ""
    transition_record(
        report=report,
        action=Action.APPROVE_EXTENSION if approve else Action.DENY_EXTENSION,
        actor=actor,
        reason=record_text(
            f"Gia hạn thêm {extension.days} ngày làm việc, hạn mới {due_text}."
            if approve
            else f"Không duyệt gia hạn. {extension.decision_note}".strip()
        ),
        data={"extension": extension.pk},
    )
    return extension


@transaction.atomic
def report_invite_coordinators(
    *, actor: User, report: Report, agencies: Iterable[Agency], reason: str = ""
) -> Assignment:
    report, _ = report_lock_for(user=actor, report=report, action="invite")
    assignment = report.assignments.get(active=True)
    agencies = [a for a in agencies if a.pk != report.current_agency_id]
    if not agencies:
        raise ReportInvalid(gettext("Chọn ít nhất một cơ quan phối hợp."), field="agencies")
    assignment.coordinators.add(*agencies)
    transition_record(
        report=report,
        action=Action.INVITE,
        actor=actor,
        reason=(reason or "").strip()
        or record_text("Mời " + ", ".join(a.name for a in agencies) + "."),
        public=False,
        data={"agencies": [a.code for a in agencies]},
    )
    return assignment


@transaction.atomic
def report_send_back(*, actor: User, report: Report, reason: str) -> Report:
    """The agency says the case is not theirs; it goes back to the IOC inbox."""
    report, _ = report_lock_for(user=actor, report=report, action="send-back")
    reason = _required_text(reason, "reason", gettext("lý do chuyển lại"))
    report.assignments.filter(active=True).update(active=False)
    report.current_agency = None
    report.assigned_officer = None
    report.save(update_fields=["current_agency", "assigned_officer", "updated_at"])
    transition_record(
        report=report,
        action=Action.SEND_BACK,
        actor=actor,
        to_status=Status.RETURNED,
        reason=reason,
        public=False,
    )
    return report


def result_submit(
    *,
    actor: User,
    report: Report,
    text: str,
    before_photos: Iterable = (),
    after_photos: Iterable = (),
) -> Result:
    """The agency's result, with photos of the fix (an "after" one required where the category
    says so). Photos are checked in memory first; files written are deleted if nothing commits."""
    prepared = evidence.evidence_prepare(
        report=report, before_photos=before_photos, after_photos=after_photos
    )
    stored: list[str] = []
    try:
        return _result_submit(
            actor=actor, report=report, text=text, prepared=prepared, stored=stored
        )
    except BaseException:
        evidence.evidence_discard(stored)
        raise


@transaction.atomic
def _result_submit(
    *, actor: User, report: Report, text: str, prepared: list, stored: list[str]
) -> Result:
    locked, _ = report_lock_for(user=actor, report=report, action="result")
    text = _required_text(text, "text", gettext("nội dung kết quả xử lý"))
    if locked.category_id != report.category_id and not evidence.evidence_has_after(prepared):
        # Re-categorised meanwhile: the new category's rule holds (raises if it asks for one).
        evidence.evidence_prepare(report=locked)
    result = Result.objects.create(
        report=locked, agency=locked.current_agency, author=actor, text=text
    )
    evidence.evidence_store(result=result, prepared=prepared, stored=stored)
    transition_record(
        report=locked,
        action=Action.SUBMIT_RESULT,
        actor=actor,
        to_status=Status.RESULT_SUBMITTED,
        data={"result": result.pk},
    )
    return result


def _pending_result(report: Report) -> Result:
    result = report.results.filter(state=Result.State.SUBMITTED).order_by("-created_at").first()
    if result is None:
        raise ReportStateConflict(gettext("Không có kết quả nào chờ duyệt."), field="status")
    return result


@transaction.atomic
def result_publish(*, actor: User, report: Report, edited_text: str = "") -> Result:
    """IOC approves the result (may reword it); a private result goes to the reporter only."""
    report, _ = report_lock_for(user=actor, report=report, action="publish")
    result = _pending_result(report)
    result.edited_text = (edited_text or "").strip()
    result.state = Result.State.PUBLISHED
    result.is_public = not report.private_result
    result.decided_by = actor
    result.decided_at = timezone.now()
    result.save()
    report.closed_at = result.decided_at
    report.is_overdue = False
    report.save(update_fields=["closed_at", "is_overdue", "updated_at"])
    transition_record(
        report=report,
        action=Action.PUBLISH,
        actor=actor,
        to_status=Status.PUBLISHED,
        data={"result": result.pk, "public": result.is_public},
    )
    _duplicates_follow(report=report, actor=actor)
    return result


@transaction.atomic
def result_return(*, actor: User, report: Report, reason: str) -> Result:
    report, _ = report_lock_for(user=actor, report=report, action="return-result")
    reason = _required_text(reason, "reason", gettext("lý do trả lại kết quả"))
    result = _pending_result(report)
    result.state = Result.State.RETURNED
    result.return_reason = reason
    result.decided_by = actor
    result.decided_at = timezone.now()
    result.save()
    transition_record(
        report=report,
        action=Action.RETURN_RESULT,
        actor=actor,
        to_status=Status.IN_PROGRESS,
        reason=reason,
        public=False,
    )
    return result


@transaction.atomic
def report_reopen(*, actor: User, report: Report, reason: str) -> Report:
    """IOC reopens a published case (e.g. the citizen disputes it); the same agency resumes."""
    report, _ = report_lock_for(user=actor, report=report, action="reopen")
    reason = _required_text(reason, "reason", gettext("lý do mở lại"))
    now = timezone.now()
    report.closed_at = None
    report.assigned_at = now
    report.due_at = handling_deadline(report=report, moment=now)
    report.status_notice_sent_at = None
    report.save(update_fields=["closed_at", "assigned_at", "due_at", "status_notice_sent_at"])
    transition_record(
        report=report, action=Action.REOPEN, actor=actor, to_status=Status.REOPENED, reason=reason
    )
    return report


def _duplicates_follow(*, report: Report, actor: User) -> None:
    """Merged duplicates follow their target: tell their reporters the outcome too."""
    for duplicate in report.duplicates.select_for_update():
        transition_record(
            report=duplicate,
            action=Action.PUBLISH,
            actor=actor,
            reason=record_text(f"Phản ánh {report.reference} (đã gộp) có kết quả."),
            data={"target": report.reference},
        )
