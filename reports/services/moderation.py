"""Hiding rule-breaking reports and merging duplicates."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from reports import policy
from reports.errors import ReportInvalid
from reports.models import AuditLog, Follow, Report, Transition, User
from reports.record_text import record_text
from reports.services.common import report_lock, report_lock_for, transition_record

Status = Report.Status
Action = Transition.Action
HIDE_FIELDS = ["hidden", "hidden_reason", "hide_reviewed_at", "hide_reviewed_by", "updated_at"]


@transaction.atomic
def report_hide(*, actor: User, report: Report, reason: str) -> Report:
    """Hide from the public only: queues, deadlines and statistics still count the report."""
    report, _ = report_lock_for(user=actor, report=report, action="hide")
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid(gettext("Cần nêu lý do ẩn phản ánh."), field="reason")
    report.hidden = True
    report.hidden_reason = reason
    # A supervisor's own hide needs no second signature; the IOC's waits for one (QĐ 663).
    signed = policy.user_is_supervisor(actor)
    report.hide_reviewed_at = timezone.now() if signed else None
    report.hide_reviewed_by = actor if signed else None
    report.save(update_fields=HIDE_FIELDS)
    AuditLog.objects.create(actor=actor, action=AuditLog.Action.HIDE, report=report, reason=reason)
    transition_record(report=report, action=Action.HIDE, actor=actor, reason=reason, public=False)
    return report


@transaction.atomic
def report_unhide(*, actor: User, report: Report, reason: str) -> Report:
    report, _ = report_lock_for(user=actor, report=report, action="unhide")
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid(gettext("Cần nêu lý do bỏ ẩn."), field="reason")
    report.hidden = False
    report.hidden_reason = ""
    report.hide_reviewed_at = None
    report.hide_reviewed_by = None
    report.save(update_fields=HIDE_FIELDS)
    AuditLog.objects.create(
        actor=actor, action=AuditLog.Action.UNHIDE, report=report, reason=reason
    )
    transition_record(report=report, action=Action.UNHIDE, actor=actor, reason=reason, public=False)
    return report


@transaction.atomic
def report_hide_approve(*, actor: User, report: Report, note: str = "") -> Report:
    """A supervisor signs off the IOC's hide; refusing it is an unhide with the reason."""
    report, _ = report_lock_for(user=actor, report=report, action="hide-approve")
    report.hide_reviewed_at = timezone.now()
    report.hide_reviewed_by = actor
    report.save(update_fields=["hide_reviewed_at", "hide_reviewed_by", "updated_at"])
    transition_record(
        report=report,
        action=Action.HIDE_APPROVE,
        actor=actor,
        reason=(note or "").strip(),
        public=False,
        notify=False,
    )
    return report


@transaction.atomic
def report_merge(*, actor: User, report: Report, into: Report, reason: str = "") -> Report:
    """Merge a duplicate into another report: it follows the target; both reporters are told."""
    if report.pk == into.pk:
        raise ReportInvalid(gettext("Không thể gộp phản ánh vào chính nó."), field="into")
    report, _ = report_lock_for(user=actor, report=report, action="merge")
    into = report_lock(user=actor, report=into)
    if into.status in (Status.MERGED, Status.REJECTED):
        raise ReportInvalid(
            gettext("Không thể gộp vào phản ánh đã bị từ chối hoặc đã gộp."), field="into"
        )
    report.assignments.filter(active=True).update(active=False)
    report.duplicate_of = into
    report.current_agency = None
    report.closed_at = timezone.now()
    report.is_overdue = False
    report.save(
        update_fields=["duplicate_of", "current_agency", "closed_at", "is_overdue", "updated_at"]
    )
    Follow.objects.get_or_create(report=into, user=report.identity.user)
    note = (reason or "").strip()
    transition_record(
        report=report,
        action=Action.MERGE,
        actor=actor,
        to_status=Status.MERGED,
        reason=record_text(f"Trùng với phản ánh {into.reference}. {note}".strip()),
        data={"target": into.reference},
    )
    transition_record(
        report=into,
        action=Action.MERGED_IN,
        actor=actor,
        reason=record_text(f"Phản ánh {report.reference} trùng sự việc đã được gộp vào đây."),
        data={"duplicate": report.reference},
    )
    return report
