"""Who may see which report, and which parts of it: QuerySet filters and object checks.

- public: verified reports sent to an agency (assigned … published, reopened) that the IOC has
  not hidden; the public map also leaves out reports whose reporter asked for a private result;
- the reporter: their own reports, whatever their status (hidden ones included);
- an agency: the cases it handles or coordinates, hidden ones included, plus what is public;
- the IOC and supervisors: everything; planners: everything, for analysis, never identity,
  internal notes or private results.
Followers are citizens like any other: they see a followed report only while it is public.
"""

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from reports.models import Comment, Report, Result, Transition
from reports.policy.roles import (
    AnyUser,
    Party,
    Viewer,
    handled_q,
    user_authenticated,
    user_is_analyst,
    user_is_officer,
)

Status = Report.Status
Action = Transition.Action

# Statuses in which a report is public (unless hidden), and those still pending; filter
# choices offered on public and queue pages come from here.
PUBLIC_STATUSES = Report.PUBLIC_STATUSES
OPEN_STATUSES = Report.OPEN_STATUSES
PUBLIC_Q = Q(status__in=PUBLIC_STATUSES, hidden=False)
PUBLIC_MAP_Q = PUBLIC_Q & Q(private_result=False)
OPEN_Q = Q(status__in=OPEN_STATUSES)
# Who opens a report that is not public (object form of reports_visible).
_PRIVATE_READERS = (Party.IOC, Party.PLANNER, Party.HANDLER, Party.COORDINATOR, Party.REPORTER)
# On a private-result report these events carry the reporter's side of the result thread.
THREAD_ACTIONS = (Action.REPLY, Action.RATE)


def reports_public() -> QuerySet[Report]:
    return Report.objects.filter(PUBLIC_Q)


def reports_public_map() -> QuerySet[Report]:
    return Report.objects.filter(PUBLIC_MAP_Q)


def reports_own(*, user: AnyUser) -> QuerySet[Report]:
    if not user_authenticated(user):
        return Report.objects.none()
    return Report.objects.filter(identity__user=user)


def reports_handled(*, user: AnyUser) -> QuerySet[Report]:
    """The officer's agency's cases (handled now or coordinated), hidden ones included."""
    return Report.objects.filter(handled_q(user=user))


def reports_visible(*, user: AnyUser) -> QuerySet[Report]:
    """Every report the user may open. Outside it a report answers 404."""
    if not user_authenticated(user):
        return reports_public()
    if user_is_analyst(user):
        return Report.objects.all()
    own = Q(identity__user=user)
    if user_is_officer(user):
        return Report.objects.filter(PUBLIC_Q | handled_q(user=user) | own)
    return Report.objects.filter(PUBLIC_Q | own)


def reports_verified() -> QuerySet[Report]:
    """Reports the IOC has verified and sent to an agency, hidden ones included: their category
    is the IOC's (as filed or re-categorised). The category suggestion learns from them."""
    return Report.objects.filter(status__in=PUBLIC_STATUSES)


def reports_followed(*, user: AnyUser) -> QuerySet[Report]:
    """Reports the user follows, while they are public."""
    if not user_authenticated(user):
        return Report.objects.none()
    return Report.objects.filter(PUBLIC_Q, follows__user=user)


def reports_mine(*, user: AnyUser) -> QuerySet[Report]:
    """What "my reports" lists: the user's own, and those they follow while public."""
    if not user_authenticated(user):
        return Report.objects.none()
    followed = reports_followed(user=user).values("pk")
    return Report.objects.filter(Q(identity__user=user) | Q(pk__in=followed))


def reports_followable() -> QuerySet[Report]:
    """What a citizen may follow instead of filing a duplicate: public and still open."""
    return Report.objects.filter(PUBLIC_Q & OPEN_Q)


def reports_duplicate_candidates(*, user: AnyUser) -> QuerySet[Report]:
    """What a reporter is shown as a possible duplicate: open reports that are public or their
    own (never another citizen's unverified report)."""
    own = Q(identity__user=user) if user_authenticated(user) else Q(pk__in=[])
    return Report.objects.filter(OPEN_Q & (PUBLIC_Q | own))


def reports_resubmittable(*, user: AnyUser) -> QuerySet[Report]:
    """The user's own rejected reports, which they may send again from a pre-filled form."""
    return reports_own(user=user).filter(status=Report.Status.REJECTED)


def reports_merge_targets(*, user: AnyUser) -> QuerySet[Report]:
    """What the IOC may merge a duplicate into: any open report it sees, verified or not."""
    return reports_visible(user=user).filter(OPEN_Q)


def reports_third_party(*, user: AnyUser) -> QuerySet[Report]:
    """What a third-party client (Open311) is served through its service account: what that
    account may open, never a hidden report (a client's app would republish it)."""
    return reports_visible(user=user).filter(hidden=False)


def report_served_to_third_parties(report: Report) -> bool:
    return not report.hidden


def reports_analysis(*, user: AnyUser) -> QuerySet[Report]:
    """Every report, for province staff and planners' analysis; nothing for anyone else."""
    return Report.objects.all() if user_is_analyst(user) else Report.objects.none()


def reports_officer_map(*, user: AnyUser) -> QuerySet[Report]:
    """The officer's queue map: open cases of their agency, nothing else."""
    if not user_is_officer(user):
        return Report.objects.none()
    return reports_handled(user=user).filter(OPEN_Q)


def reports_exportable(*, user: AnyUser) -> QuerySet[Report]:
    """What a user may export: analysts everything, officers their queue, others the public map."""
    if user_is_analyst(user):
        return reports_analysis(user=user)
    if user_is_officer(user):
        return reports_officer_map(user=user)
    return reports_public_map()


def reports_classified() -> QuerySet[Report]:
    """Every report with the two flags aggregate caches group by: whether the public map
    shows it (`is_public`) and whether it is still pending (`is_open`)."""
    return Report.objects.annotate(
        is_public=ExpressionWrapper(PUBLIC_MAP_Q, output_field=BooleanField()),
        is_open=ExpressionWrapper(OPEN_Q, output_field=BooleanField()),
    )


# --- object checks (for one report already loaded) ----------------------------------------


def report_is_public(report: Report) -> bool:
    return report.status in Report.PUBLIC_STATUSES and not report.hidden


def report_is_on_public_map(report: Report) -> bool:
    return report_is_public(report) and not report.private_result


def report_visible(*, viewer: Viewer, report: Report) -> bool:
    """The object form of reports_visible: the same answer for one loaded report."""
    if report_is_public(report) or user_is_analyst(viewer.user):
        return True
    return viewer.plays(*_PRIVATE_READERS)


def viewer_sees_internal(viewer: Viewer) -> bool:
    """Internal notes, internal events, extension requests and the hide reason."""
    return viewer.handles


def viewer_sees_thread(*, viewer: Viewer, report: Report) -> bool:
    """Public replies between reporter and handler; private on a private-result report."""
    return not report.private_result or viewer.party_to_result


def result_visible(*, viewer: Viewer, result: Result) -> bool:
    return result.is_public or viewer.party_to_result


def result_evidence_visible(*, viewer: Viewer, result: Result) -> bool:
    """A result's photos go where the result goes: to the IOC and the agency working the case
    at every stage (a returned result's too), to anyone else once published (a private one:
    its parties). Object form of the evidence part of records.media_visible."""
    if viewer.handles:
        return True
    return result.state == Result.State.PUBLISHED and result_visible(viewer=viewer, result=result)


def timeline_visible(*, viewer: Viewer, report: Report) -> QuerySet[Transition]:
    events = report.transitions.all()
    if not viewer_sees_internal(viewer):
        events = events.filter(public=True)
    if not viewer_sees_thread(viewer=viewer, report=report):
        events = events.exclude(action__in=THREAD_ACTIONS)
    return events.order_by("created_at", "id")


def comments_visible(*, viewer: Viewer, report: Report) -> QuerySet[Comment]:
    comments = report.comments.all()
    if not viewer_sees_internal(viewer):
        comments = comments.filter(internal=False)
    if not viewer_sees_thread(viewer=viewer, report=report):
        comments = comments.none()
    return comments.order_by("created_at", "id")


def followers_hear(report: Report) -> bool:
    """Followers hear about a report only while it is public."""
    return report_is_public(report)


def followers_hear_thread(report: Report) -> bool:
    return followers_hear(report) and not report.private_result


def transition_first_made_public(transition) -> bool:
    """Whether this event first put its report in a public status (a report sent back to the
    IOC and assigned again is not new a second time)."""
    if transition.to_status not in PUBLIC_STATUSES or transition.from_status in PUBLIC_STATUSES:
        return False
    earlier = transition.report.transitions.filter(
        pk__lt=transition.pk, to_status__in=PUBLIC_STATUSES
    )
    return not earlier.exists()
