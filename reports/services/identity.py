"""The only way staff read a reporter's identity: permission-checked and audited. Also the
audit helpers for every other read of identity or account data (the admin's included)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext

from reports.errors import ReportForbidden, ReportInvalid
from reports.models import AuditLog, Report, ReporterIdentity, Role, User
from reports.services.citizen import consent_active
from reports.services.common import report_lock_for


@transaction.atomic
def identity_reveal(*, actor: User, report: Report, reason: str) -> ReporterIdentity:
    """IOC/supervisors always; the handling agency only with the reporter's active consent.

    Every read is written to the audit log (who, when, why — never the value).
    """
    report, viewer = report_lock_for(user=actor, report=report, action="identity")
    if not viewer.is_ioc and not consent_active(report=report, agency=actor.agency):
        raise ReportForbidden(gettext("Không có quyền xem danh tính người phản ánh."))
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid(gettext("Cần nêu lý do xem danh tính người phản ánh."), field="reason")
    identity_read_record(actor=actor, report=report, reason=reason)
    return report.identity


def identity_read_record(*, actor: User, report: Report, reason: str) -> AuditLog:
    """Write down that `actor` read the identity (who, when, why — never the value)."""
    return AuditLog.objects.create(
        actor=actor, action=AuditLog.Action.IDENTITY_READ, report=report, reason=reason
    )


# One read of someone's data: (id of the user whose data was shown, id of its report or None).
AccountRead = tuple[int, int | None]


def account_read_record(
    *, actor: User, subject: User, reason: str, report: Report | None = None
) -> AuditLog:
    """Write down that `actor` read `subject`'s account data (who, whose, when, why — never
    the value)."""
    return AuditLog.objects.create(
        actor=actor,
        action=AuditLog.Action.ACCOUNT_READ,
        subject_user=subject,
        report=report,
        reason=reason,
    )


def account_reads_record(
    *, actor: User, reads: Iterable[AccountRead], reason: str
) -> list[AuditLog]:
    """Write down one page's reads of account data, one entry per citizen and report shown.

    Only citizens' accounts: a staff account carries no one's identity.
    """
    reads = set(reads)
    if not reads:
        return []
    citizens = set(
        User.objects.filter(
            pk__in={subject for subject, _ in reads}, role=Role.CITIZEN
        ).values_list("pk", flat=True)
    )
    shown = [read for read in reads if read[0] in citizens]
    return _reads_record(actor, AuditLog.Action.ACCOUNT_READ, shown, reason)


def token_reads_record(*, actor: User, reads: Iterable[AccountRead], reason: str) -> list[AuditLog]:
    """Write down one page's reads of API tokens, whoever owns them: a token is a credential."""
    return _reads_record(actor, AuditLog.Action.TOKEN_READ, set(reads), reason)


def _reads_record(
    actor: User, action: str, reads: Iterable[AccountRead], reason: str
) -> list[AuditLog]:
    entries = [
        AuditLog(
            actor=actor, action=action, subject_user_id=subject, report_id=report, reason=reason
        )
        for subject, report in sorted(reads, key=lambda read: (read[0], read[1] or 0))
    ]
    return AuditLog.objects.bulk_create(entries) if entries else []
