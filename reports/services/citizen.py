"""What a citizen does after submitting: reply, rate, follow, consent to reveal identity."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from reports.errors import ReportInvalid, ReportStateConflict
from reports.models import (
    Comment,
    Follow,
    IdentityConsent,
    Rating,
    Report,
    Result,
    Transition,
    User,
)
from reports.services.comment_notify import comment_notify_enqueue
from reports.services.common import actor_label, report_lock_for, transition_record
from routing_rules.models import Agency

Status = Report.Status
Action = Transition.Action


@transaction.atomic
def comment_add(*, actor: User, report: Report, body: str, internal: bool = False) -> Comment:
    """A public reply (reporter or handler) or an internal note (staff handling the report)."""
    report, viewer = report_lock_for(
        user=actor, report=report, action="note" if internal else "comment"
    )
    body = (body or "").strip()
    if not body:
        raise ReportInvalid(gettext("Cần nhập nội dung."), field="body")
    comment = Comment.objects.create(
        report=report,
        author=actor,
        author_label=actor_label(actor, report),
        body=body,
        internal=internal,
    )
    comment_notify_enqueue(comment=comment)
    if viewer.is_reporter and not internal and report.status == Status.PUBLISHED:
        # A reply to a published result is a dispute the IOC must see (it may reopen).
        transition_record(
            report=report,
            action=Action.REPLY,
            actor=actor,
            reason=body,
            data={"comment": comment.pk},
        )
    return comment


@transaction.atomic
def report_dispute(*, actor: User, report: Report, reason: str) -> Transition:
    """The reporter does not agree with the published result ("Không đồng ý"): the IOC sees it
    in its workspace and may reopen the case."""
    report, _ = report_lock_for(user=actor, report=report, action="dispute")
    reason = (reason or "").strip()
    if not reason:
        raise ReportInvalid(gettext("Hãy nêu vì sao bạn không đồng ý với kết quả."), field="reason")
    return transition_record(
        report=report, action=Action.REPLY, actor=actor, reason=reason, data={"dispute": True}
    )


@transaction.atomic
def report_rate(*, actor: User, report: Report, value: str, comment: str = "") -> Rating:
    report, _ = report_lock_for(user=actor, report=report, action="rate")
    if value not in Rating.Value.values:
        raise ReportInvalid(gettext("Mức đánh giá không hợp lệ."), field="value")
    result = report.results.filter(state=Result.State.PUBLISHED).order_by("-decided_at").first()
    if Rating.objects.filter(result=result).exists():
        raise ReportStateConflict(gettext("Kết quả này đã được đánh giá."), field="value")
    rating = Rating.objects.create(
        report=report, result=result, user=actor, value=value, comment=(comment or "").strip()
    )
    transition_record(
        report=report,
        action=Action.RATE,
        actor=actor,
        reason=Rating.Value(value).label,
        data={"rating": value},
    )
    return rating


@transaction.atomic
def report_follow(*, user: User, report: Report) -> Follow:
    """Follow a public, open report instead of filing a duplicate."""
    locked, _ = report_lock_for(user=user, report=report, action="follow")
    follow, _ = Follow.objects.get_or_create(report=locked, user=user)
    return follow


@transaction.atomic
def identity_consent_grant(*, actor: User, report: Report) -> IdentityConsent:
    """The reporter lets the handling agency see their identity for this report."""
    report, _ = report_lock_for(user=actor, report=report, action="consent")
    consent = report.identity.consents.filter(
        agency_id=report.current_agency_id, revoked_at__isnull=True
    ).first()
    return consent or IdentityConsent.objects.create(
        identity=report.identity, agency_id=report.current_agency_id
    )


@transaction.atomic
def identity_consent_revoke(*, actor: User, report: Report) -> int:
    report, _ = report_lock_for(user=actor, report=report, action="consent-revoke")
    return report.identity.consents.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def consent_active(*, report: Report, agency: Agency | None) -> bool:
    if agency is None:
        return False
    return IdentityConsent.objects.filter(
        identity__report=report, agency=agency, revoked_at__isnull=True
    ).exists()
