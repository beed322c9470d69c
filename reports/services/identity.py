"""The only way staff read a reporter's identity: permission-checked and audited."""

from django.db import transaction

from reports.errors import ReportInvalid
from reports.models import AuditLog, Report, ReporterIdentity, Role, User
from reports.services.citizen import consent_active
from reports.services.common import is_ioc, report_lock, require


@transaction.atomic
def identity_reveal(*, actor: User, report: Report, reason: str) -> ReporterIdentity:
    """IOC/supervisors always; the handling agency only with the reporter's active consent.

    Every read is written to the audit log (who, when, why — never the value).
    """
    report = report_lock(user=actor, report=report)
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid("Cần nêu lý do xem danh tính người phản ánh.", field="reason")
    allowed = is_ioc(actor) or (
        actor.role == Role.AGENCY_OFFICER
        and actor.agency_id == report.current_agency_id
        and consent_active(report=report, agency=actor.agency)
    )
    require(allowed, "Không có quyền xem danh tính người phản ánh.")
    identity_read_record(actor=actor, report=report, reason=reason)
    return report.identity


def identity_read_record(*, actor: User, report: Report, reason: str) -> AuditLog:
    """Write down that `actor` read the identity (who, when, why — never the value)."""
    return AuditLog.objects.create(
        actor=actor, action=AuditLog.Action.IDENTITY_READ, report=report, reason=reason
    )
