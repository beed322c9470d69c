"""Reads of the channels typed in by someone else: channel drafts' photos, volunteers'
applications and filed reports, claims. Scoped by reports.policy."""

from django.db.models import Case, QuerySet, Value, When
from django.utils.translation import gettext

from reports import policy
from reports.errors import ReportNotFound
from reports.models import DraftMedia, Report, ReportDraft, VolunteerApplication


def draft_count_open(*, user) -> int:
    return policy.drafts_visible(user=user).filter(state=ReportDraft.State.OPEN).count()


def draft_media_get(*, user, draft_id: int, media_id: int) -> DraftMedia:
    """A photo of an open draft, for those who may see drafts (the IOC)."""
    item = (
        DraftMedia.objects.filter(
            pk=media_id,
            draft_id=draft_id,
            draft__in=policy.drafts_visible(user=user).filter(state=ReportDraft.State.OPEN),
        )
        .only("file", "content_type", "kind")
        .first()
    )
    if item is None:
        raise ReportNotFound(gettext("Không tìm thấy tệp."), field="media")
    return item


def volunteer_application_list(*, user) -> QuerySet[VolunteerApplication]:
    """Pending first, then the latest decisions."""
    return (
        policy.volunteer_applications_visible(user=user)
        .select_related("user", "commune", "decided_by")
        .defer("commune__geom")
        .order_by(
            Case(When(state=VolunteerApplication.State.PENDING, then=Value(0)), default=Value(1)),
            "-created_at",
        )
    )


def volunteer_application_get(*, user, pk: int) -> VolunteerApplication:
    application = policy.volunteer_applications_visible(user=user).filter(pk=pk).first()
    if application is None:
        raise ReportNotFound(gettext("Không tìm thấy đăng ký."), field="application")
    return application


def report_list_filed_for_others(*, user) -> QuerySet[Report]:
    """Only what a volunteer may see of them: reference, category, status, dates."""
    return (
        policy.reports_filed_for_others(user=user)
        .select_related("category")
        .only("reference", "status", "created_at", "hidden", "category__name")
        .order_by("-created_at")
    )
