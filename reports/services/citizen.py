"""What a citizen does after submitting: reply, rate, follow, consent to reveal identity."""

from django.db import transaction
from django.utils import timezone

from reports.errors import ReportInvalid, ReportStateConflict
from reports.models import (
    Comment,
    Follow,
    IdentityConsent,
    Rating,
    Report,
    Result,
    Role,
    Transition,
    User,
)
from reports.selectors import user_is_reporter, user_sees_internal
from reports.services.common import actor_label, report_lock, require, transition_record
from routing_rules.models import Agency

Status = Report.Status
Action = Transition.Action


@transaction.atomic
def comment_add(*, actor: User, report: Report, body: str, internal: bool = False) -> Comment:
    """A public reply (reporter or handler) or an internal note (staff handling the report)."""
    report = report_lock(user=actor, report=report)
    body = (body or "").strip()
    if not body:
        raise ReportInvalid("Cần nhập nội dung.", field="body")
    is_reporter = user_is_reporter(user=actor, report=report)
    handles = user_sees_internal(user=actor, report=report) and actor.role != Role.PLANNER
    if internal:
        require(handles, "Chỉ cán bộ xử lý được ghi chú nội bộ.")
    else:
        require(is_reporter or handles, "Chỉ người phản ánh và cán bộ xử lý được trao đổi.")
    comment = Comment.objects.create(
        report=report,
        author=actor,
        author_label=actor_label(actor, report),
        body=body,
        internal=internal,
    )
    if is_reporter and report.status == Status.PUBLISHED:
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
def report_rate(*, actor: User, report: Report, value: str, comment: str = "") -> Rating:
    report = report_lock(user=actor, report=report)
    require(user_is_reporter(user=actor, report=report), "Chỉ người phản ánh được đánh giá.")
    if report.status != Status.PUBLISHED:
        raise ReportStateConflict("Chỉ đánh giá được khi đã có kết quả.", field="status")
    if value not in Rating.Value.values:
        raise ReportInvalid("Mức đánh giá không hợp lệ.", field="value")
    result = report.results.filter(state=Result.State.PUBLISHED).order_by("-decided_at").first()
    if Rating.objects.filter(result=result).exists():
        raise ReportStateConflict("Kết quả này đã được đánh giá.", field="value")
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
    """Follow an existing report instead of filing a duplicate (any open, unhidden report)."""
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if not locked.is_open or locked.hidden:
        raise ReportStateConflict("Chỉ theo dõi được phản ánh đang xử lý.", field="status")
    follow, _ = Follow.objects.get_or_create(report=locked, user=user)
    return follow


@transaction.atomic
def identity_consent_grant(*, actor: User, report: Report) -> IdentityConsent:
    """The reporter lets the handling agency see their identity for this report."""
    report = report_lock(user=actor, report=report)
    require(user_is_reporter(user=actor, report=report), "Chỉ người phản ánh được đồng ý.")
    if report.current_agency_id is None:
        raise ReportStateConflict("Phản ánh chưa được giao cho cơ quan nào.", field="status")
    consent = report.identity.consents.filter(
        agency_id=report.current_agency_id, revoked_at__isnull=True
    ).first()
    return consent or IdentityConsent.objects.create(
        identity=report.identity, agency_id=report.current_agency_id
    )


@transaction.atomic
def identity_consent_revoke(*, actor: User, report: Report) -> int:
    report = report_lock(user=actor, report=report)
    require(user_is_reporter(user=actor, report=report), "Chỉ người phản ánh được thu hồi.")
    return report.identity.consents.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def consent_active(*, report: Report, agency: Agency | None) -> bool:
    if agency is None:
        return False
    return IdentityConsent.objects.filter(
        identity__report=report, agency=agency, revoked_at__isnull=True
    ).exists()
