"""The one read-model of a report's detail: what the page and the API serializer both render.

Built in a fixed, small number of queries, whatever the report's history.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch

from reports import policy
from reports.models import (
    Comment,
    Extension,
    IdentityConsent,
    Media,
    Report,
    ResponseTemplate,
    Result,
    Transition,
)
from reports.selectors import (
    LIST_RELATED,
    UNIT_OUTLINES,
    report_duplicates_nearby,
    report_get,
    response_templates_for,
)
from reports.selectors_officers import officer_workload_list

# The case page's form of each ready answer's kind.
TEMPLATE_ACTIONS = {
    "reject": ResponseTemplate.Kind.REJECT,
    "result": ResponseTemplate.Kind.RESULT,
    "return-result": ResponseTemplate.Kind.RETURN_RESULT,
}
MERGE_CANDIDATES = 10
# The actions the case page's "Xử lý" section has a form for (the identity's form shows
# only where ReportDetail.can_reveal says so).
CASE_FORMS = frozenset(
    {
        "assign",
        "reject",
        "merge",
        "category",
        "publish",
        "return-result",
        "reopen",
        "extension",
        "extension-decide",
        "start",
        "result",
        "send-back",
        "invite",
        "hide",
        "hide-approve",
        "unhide",
        "assign-officer",
    }
)


@dataclass(frozen=True)
class Evidence:
    """A result's photos of the fix, as the page shows them side by side."""

    before: list[Media]
    after: list[Media]

    def __bool__(self) -> bool:
        return bool(self.before or self.after)


NO_EVIDENCE = Evidence(before=[], after=[])


@dataclass(frozen=True)
class ReportDetail:
    report: Report
    viewer: policy.Viewer
    actions: frozenset[str]
    media: list[Media]
    timeline: list[Transition]
    comments: list[Comment]
    result: Result | None
    extensions: list[Extension]
    consent_active: bool
    # The shown (published) result's photos, and for staff working the case the result
    # awaiting approval with its own.
    result_evidence: Evidence = NO_EVIDENCE
    pending_result: Result | None = None
    pending_evidence: Evidence = NO_EVIDENCE

    @property
    def sees_internal(self) -> bool:
        return policy.viewer_sees_internal(self.viewer)

    @property
    def is_reporter(self) -> bool:
        return self.viewer.is_reporter

    @property
    def can_reveal(self) -> bool:
        """The IOC always; the handling agency only while the reporter's consent stands."""
        return "identity" in self.actions and (self.viewer.is_ioc or self.consent_active)

    @property
    def pending_extensions(self) -> list[Extension]:
        return [e for e in self.extensions if e.state == Extension.State.PENDING]


def _result(*, viewer: policy.Viewer, report: Report) -> Result | None:
    result = (
        report.results.filter(state=Result.State.PUBLISHED)
        .select_related("agency", "rating")
        .order_by("-decided_at", "-pk")
        .first()
    )
    if result is None or not policy.result_visible(viewer=viewer, result=result):
        return None
    return result


def _pending(*, viewer: policy.Viewer, report: Report) -> Result | None:
    if report.status != Report.Status.RESULT_SUBMITTED or not viewer.handles:
        return None
    return (
        report.results.filter(state=Result.State.SUBMITTED)
        .select_related("agency")
        .order_by("-created_at")
        .first()
    )


def _evidence(*, viewer: policy.Viewer, result: Result | None, media: list[Media]) -> Evidence:
    if result is None or not policy.result_evidence_visible(viewer=viewer, result=result):
        return NO_EVIDENCE
    own = [m for m in media if m.result_id == result.pk]
    return Evidence(
        before=[m for m in own if m.role == Media.Role.BEFORE],
        after=[m for m in own if m.role == Media.Role.AFTER],
    )


def report_detail_build(*, user, reference: str) -> ReportDetail:
    report = report_get(user=user, reference=reference)
    return report_detail_for(user=user, report=report)


def report_detail_for(*, user, report: Report) -> ReportDetail:
    """The detail of a report already known to be in the user's scope (re-read fresh)."""
    report = (
        Report.objects.select_related(*LIST_RELATED, "edition", "duplicate_of", "assigned_officer")
        .defer(*UNIT_OUTLINES)
        .prefetch_related(Prefetch("media", queryset=Media.objects.order_by("id")))
        .get(pk=report.pk)
    )
    viewer = policy.report_viewer(user=user, report=report)
    sees_internal = policy.viewer_sees_internal(viewer)
    extensions = (
        list(report.extensions.select_related("agency").order_by("created_at"))
        if sees_internal
        else []
    )
    consent = False
    if report.current_agency_id and (viewer.is_reporter or viewer.is_handler):
        consent = IdentityConsent.objects.filter(
            identity__report=report, agency_id=report.current_agency_id, revoked_at__isnull=True
        ).exists()
    # One read of every photo (the report's own and its results'), split here.
    media = list(report.media.all())
    result = _result(viewer=viewer, report=report)
    pending = _pending(viewer=viewer, report=report)
    return ReportDetail(
        report=report,
        viewer=viewer,
        actions=policy.viewer_actions_available(viewer=viewer, report=report),
        media=[m for m in media if m.result_id is None],
        timeline=list(policy.timeline_visible(viewer=viewer, report=report)),
        comments=list(policy.comments_visible(viewer=viewer, report=report)),
        result=result,
        extensions=extensions,
        consent_active=consent,
        result_evidence=_evidence(viewer=viewer, result=result, media=media),
        pending_result=pending,
        pending_evidence=_evidence(viewer=viewer, result=pending, media=media),
    )


def case_page_context(*, user, report: Report, actions: frozenset[str]) -> dict:
    """What the case page's action forms offer beside the detail: the ready answers of the
    forms shown, and the nearby reports a merge may pick."""
    context: dict = {"templates": {}, "merge_candidates": [], "merge_points": []}
    kinds = [kind for action, kind in TEMPLATE_ACTIONS.items() if action in actions]
    if kinds:
        for template in response_templates_for(kinds=kinds, category_id=report.category_id):
            context["templates"].setdefault(template.kind, []).append(template)
    if "merge" in actions:
        candidates = list(
            report_duplicates_nearby(
                user=user,
                category_id=report.category_id,
                lon=report.point.x,
                lat=report.point.y,
                exclude_id=report.pk,
                for_merge=True,
            )[:MERGE_CANDIDATES]
        )
        context["merge_candidates"] = candidates
        context["merge_points"] = [
            {"reference": c.reference, "title": c.title, "lon": c.point.x, "lat": c.point.y}
            for c in candidates
        ]
    if policy.ASSIGN_OFFICER in actions:
        # The unit head picks an officer seeing each one's open and overdue cases.
        context["officer_workload"] = officer_workload_list(agency=report.current_agency)
    if "result" in actions:
        context["evidence_limits"] = {
            "files": settings.REPORTS_RESULT_PHOTOS_MAX,
            "image_mb": settings.REPORTS_MEDIA_MAX_IMAGE_BYTES // 2**20,
        }
    context["actions_grouped"] = bool(actions & CASE_FORMS)
    return context
