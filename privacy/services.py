"""Citizens' rights over their personal data (Law 91/2025 on Personal Data Protection): a full
export, correction, erasure by anonymisation, and a retention limit on reporters' identities.
Consent is recorded by reports.services.privacy."""

import secrets
from datetime import datetime, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gis_portal.accounts.tokens import tokens_revoke
from reports import inputs, policy
from reports.errors import ReportForbidden, ReportInvalid
from reports.models import (
    AuditLog,
    Comment,
    Follow,
    IdentityConsent,
    Notification,
    ProcessingConsent,
    Rating,
    Report,
    ReportDraft,
    ReporterIdentity,
    User,
)
from reports.signals import account_erasing, account_exporting


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def user_data_export(*, user: User) -> dict:
    """Everything the portal holds about the user, as JSON-ready data (their own copy)."""
    identities = ReporterIdentity.objects.filter(user=user).select_related("report")
    sections: dict = {}
    for _receiver, section in account_exporting.send(sender=User, user=user):
        sections.update(section or {})
    return sections | {
        "notice_version": settings.PRIVACY_NOTICE_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "full_name": user.full_name,
            "phone": user.phone,
            "email": user.email,
            "date_joined": _when(user.date_joined),
            "last_login": _when(user.last_login),
        },
        "identities_on_reports": [
            {
                "report": i.report.reference,
                "full_name": i.full_name,
                "phone": i.phone,
                "email": i.email,
                "wiped_at": _when(i.wiped_at),
            }
            for i in identities
        ],  # fmt: skip
        "reports": [
            {
                "reference": r.reference,
                "title": r.title,
                "description": r.description,
                "status": r.status,
                "lon": r.point.x,
                "lat": r.point.y,
                "private_result": r.private_result,
                "created_at": _when(r.created_at),
            }
            for r in Report.objects.filter(identity__user=user).order_by("created_at")
        ],  # fmt: skip
        "comments": [
            {"report": c.report.reference, "body": c.body, "created_at": _when(c.created_at)}
            for c in Comment.objects.filter(author=user).select_related("report")
        ],
        "ratings": [
            {
                "report": r.report.reference,
                "value": r.value,
                "comment": r.comment,
                "created_at": _when(r.created_at),
            }
            for r in Rating.objects.filter(user=user).select_related("report")
        ],  # fmt: skip
        "identity_consents": [
            {
                "report": c.identity.report.reference,
                "agency": c.agency.name,
                "granted_at": _when(c.granted_at),
                "revoked_at": _when(c.revoked_at),
            }
            for c in IdentityConsent.objects.filter(identity__user=user).select_related(
                "identity__report", "agency"
            )
        ],  # fmt: skip
        "processing_consents": [
            {
                "context": c.context,
                "notice_version": c.notice_version,
                "report": c.report.reference if c.report else None,
                "created_at": _when(c.created_at),
            }
            for c in ProcessingConsent.objects.filter(user=user).select_related("report")
        ],  # fmt: skip
        "follows": [
            f.report.reference for f in Follow.objects.filter(user=user).select_related("report")
        ],
        "notifications": [
            {
                "title": n.title,
                "body": n.body,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in Notification.objects.filter(user=user)
        ],  # fmt: skip
        "signins": [
            {
                "at": _when(s.attempt_time),
                "address": s.ip_address,
                "browser": s.user_agent,
                "logout_at": _when(s.logout_time),
            }
            for s in AccessLog.objects.filter(username=user.username).order_by("attempt_time")
        ],  # fmt: skip
    }


@transaction.atomic
def user_data_correct(*, user: User, full_name: str, phone: str, email: str = "") -> User:
    """The citizen corrects their account data (reports already filed keep what was given)."""
    user.full_name = inputs.input_text(
        full_name, field="full_name", label=_("Họ và tên"), max_length=inputs.NAME_MAX
    )
    user.phone = inputs.input_phone(phone)
    user.email = inputs.input_email(email)
    user.save(update_fields=["full_name", "phone", "email"])
    return user


def _identity_wipe(identities, *, name: str, now: datetime) -> int:
    IdentityConsent.objects.filter(identity__in=identities, revoked_at__isnull=True).update(
        revoked_at=now
    )
    return identities.update(full_name=name, phone="", email="", wiped_at=now)


@transaction.atomic
def user_erase(*, user: User, password: str) -> User:
    """Erase a citizen's personal data: the account is anonymised and disabled, identities on
    reports wiped; reports, results and statistics stay whole. Audited."""
    if policy.user_is_staff(user):
        raise ReportForbidden(_("Tài khoản cán bộ do quản trị viên xử lý, không tự xóa được."))
    if not user.check_password(password or ""):
        raise ReportInvalid(_("Mật khẩu không đúng."), field="password")
    now = timezone.now()
    _identity_wipe(
        ReporterIdentity.objects.filter(user=user), name=ReporterIdentity.ERASED_NAME, now=now
    )
    # What a channel kept to answer them (an e-mail address, a Zalo id) goes too.
    ReportDraft.objects.filter(Q(user=user) | Q(report__identity__user=user)).update(
        sender="", full_name="", phone="", email=""
    )
    account_erasing.send(sender=User, user=user)
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username=user.username).delete()
    tokens_revoke(user=user)
    AuditLog.objects.create(
        actor=user,
        action=AuditLog.Action.ACCOUNT_ERASE,
        subject_user=user,
        reason="Người dân yêu cầu xóa dữ liệu cá nhân (Luật 91/2025).",
    )
    user.username = f"da-xoa-{user.pk}-{secrets.token_hex(4)}"
    user.full_name = user.phone = user.email = user.first_name = user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return user


def identities_retention_purge(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Wipe the reporter's identity of cases closed longer ago than the retention period.
    Reports and their statistics are left untouched."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REPORTS_IDENTITY_RETENTION_DAYS)
    closed = Report.objects.exclude(policy.OPEN_Q).filter(closed_at__lt=cutoff).values("pk")
    due = ReporterIdentity.objects.filter(report__in=closed, wiped_at__isnull=True)
    if dry_run:
        return due.count()
    with transaction.atomic():
        # The channels' way back to the reporter (drafts filed into those cases, and drafts
        # discarded as long ago) expires with the identity.
        ReportDraft.objects.filter(
            Q(report__in=closed) | Q(state=ReportDraft.State.DISCARDED, updated_at__lt=cutoff)
        ).exclude(sender="").update(sender="")
        return _identity_wipe(due, name=ReporterIdentity.EXPIRED_NAME, now=now)


def signin_logs_purge(*, now: datetime | None = None) -> int:
    """Delete sign-in records (successes and failures: address, browser, time) older than
    the retention period; axes' live lockout counters are not touched."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGNIN_LOG_RETENTION_DAYS)
    return sum(
        model.objects.filter(attempt_time__lt=cutoff).delete()[0]
        for model in (AccessAttempt, AccessLog, AccessFailureLog)
    )
