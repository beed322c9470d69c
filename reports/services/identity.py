"""The only way staff read a reporter's identity: permission-checked and audited."""

from django.db import transaction

from reports.errors import ReportForbidden, ReportInvalid
from reports.models import AuditLog, Report, ReporterIdentity, User
from reports.services.citizen import consent_active
from reports.services.common import report_lock_for


@transaction.atomic
def identity_reveal(*, actor: User, report: Report, reason: str) -> ReporterIdentity:
    """IOC/supervisors always; the handling agency only with the reporter's active consent.

    Every read is written to the audit log (who, when, why — never the value).
    """
    report, viewer = report_lock_for(user=actor, report=report, action="identity")
    if not viewer.is_ioc and not consent_active(report=report, agency=actor.agency):
        raise ReportForbidden("Không có quyền xem danh tính người phản ánh.")
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid("Cần nêu lý do xem danh tính người phản ánh.", field="reason")
    identity_read_record(actor=actor, report=report, reason=reason)
    return report.identity


def identity_read_record(*, actor: User, report: Report, reason: str) -> AuditLog:
    """Write down that `actor` read the identity (who, when, why — never the value)."""
    return AuditLog.objects.create(
        actor=actor, action=AuditLog.Action.IDENTITY_READ, report=report, reason=reason
    )
