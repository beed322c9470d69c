"""The same visibility rules over whole tables of a report's records (admin lists, exports):
events, replies, results, extensions and assignments, and the audit log."""

from django.db.models import Q, QuerySet

from reports.models import (
    Assignment,
    AuditLog,
    Comment,
    Extension,
    Media,
    Rating,
    Report,
    ReportDraft,
    Result,
    Transition,
)
from reports.policy.roles import (
    AnyUser,
    handled_q,
    user_authenticated,
    user_is_ioc,
    user_is_officer,
    user_is_supervisor,
)
from reports.policy.visibility import THREAD_ACTIONS, reports_visible


def reports_internal(*, user: AnyUser) -> QuerySet[Report]:
    """Reports whose internal notes, events and requests the user sees (viewer.handles)."""
    if user_is_ioc(user):
        return Report.objects.all()
    return Report.objects.filter(handled_q(user=user))


def reports_result_party(*, user: AnyUser) -> QuerySet[Report]:
    """Reports whose private result and result thread the user may read (party_to_result)."""
    if user_is_ioc(user):
        return Report.objects.all()
    if not user_authenticated(user):
        return Report.objects.none()
    mine = Q(identity__user=user)
    if user_is_officer(user):
        mine |= Q(current_agency_id=user.agency_id)
    return Report.objects.filter(mine)


def _thread_ok(user: AnyUser, prefix: str = "report__") -> Q:
    party = reports_result_party(user=user).values("pk")
    return Q(**{f"{prefix}private_result": False}) | Q(**{f"{prefix}in": party})


def transitions_visible(*, user: AnyUser) -> QuerySet[Transition]:
    internal = reports_internal(user=user).values("pk")
    visible = reports_visible(user=user).values("pk")
    return Transition.objects.filter(
        Q(report__in=visible)
        & (Q(public=True) | Q(report__in=internal))
        & (~Q(action__in=THREAD_ACTIONS) | _thread_ok(user))
    )


def comments_visible_all(*, user: AnyUser) -> QuerySet[Comment]:
    internal = reports_internal(user=user).values("pk")
    visible = reports_visible(user=user).values("pk")
    return Comment.objects.filter(
        Q(report__in=visible) & (Q(internal=False) | Q(report__in=internal)) & _thread_ok(user)
    )


def results_visible(*, user: AnyUser) -> QuerySet[Result]:
    """Published public results of visible reports; every result to the parties of it."""
    party = reports_result_party(user=user).values("pk")
    visible = reports_visible(user=user).values("pk")
    return Result.objects.filter(
        Q(report__in=visible, state=Result.State.PUBLISHED, is_public=True) | Q(report__in=party)
    )


def ratings_visible(*, user: AnyUser) -> QuerySet[Rating]:
    visible = reports_visible(user=user).values("pk")
    return Rating.objects.filter(Q(report__in=visible) & _thread_ok(user))


def extensions_visible(*, user: AnyUser) -> QuerySet[Extension]:
    return Extension.objects.filter(report__in=reports_internal(user=user).values("pk"))


def assignments_visible(*, user: AnyUser) -> QuerySet[Assignment]:
    return Assignment.objects.filter(report__in=reports_internal(user=user).values("pk"))


# Result photos anyone who sees the report may see: those of a published public result.
EVIDENCE_PUBLIC_Q = Q(result__state=Result.State.PUBLISHED, result__is_public=True)


def media_visible(*, user: AnyUser) -> QuerySet[Media]:
    """A report's own photos with the report; a result's photos (before/after the fix) only
    where the result is seen (policy.result_evidence_visible, in table form)."""
    internal = reports_internal(user=user).values("pk")
    party = reports_result_party(user=user).values("pk")
    evidence = (
        Q(report__in=internal)
        | EVIDENCE_PUBLIC_Q
        | Q(result__state=Result.State.PUBLISHED, report__in=party)
    )
    visible = reports_visible(user=user).values("pk")
    return Media.objects.filter(Q(report__in=visible) & (Q(result__isnull=True) | evidence))


def audit_log_visible(*, user: AnyUser) -> QuerySet[AuditLog]:
    """Who read an identity or hid a report: for supervisors only (oversight of the IOC)."""
    return AuditLog.objects.all() if user_is_supervisor(user) else AuditLog.objects.none()


def drafts_visible(*, user: AnyUser) -> QuerySet[ReportDraft]:
    """What channels brought in before it is a report: the IOC's alone (it completes them)."""
    if user_is_ioc(user):
        return ReportDraft.objects.all()
    return ReportDraft.objects.none()
