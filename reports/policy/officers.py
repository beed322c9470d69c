"""Within one agency: who heads the unit, which officers may be given a case, and when."""

from django.db.models import QuerySet

from reports.models import Report, Role, User
from reports.policy.actions import TRANSITIONS
from reports.policy.roles import AnyUser, user_is_officer
from reports.policy.visibility import reports_handled

ASSIGN_OFFICER = "assign-officer"
# A case its agency has resolved: the result is approved and published.
RESOLVED_STATUSES = (Report.Status.PUBLISHED,)


def user_is_unit_head(user: AnyUser) -> bool:
    return user_is_officer(user) and user.unit_head


def officers_eligible(*, agency_id: int | None) -> QuerySet[User]:
    """The officers a case of this agency may be given to: its active officer accounts."""
    if agency_id is None:
        return User.objects.none()
    return User.objects.filter(role=Role.AGENCY_OFFICER, agency_id=agency_id, is_active=True)


def officer_eligible(*, officer: User, report: Report) -> bool:
    return (
        officer.is_active
        and officer.role == Role.AGENCY_OFFICER
        and officer.agency_id is not None
        and officer.agency_id == report.current_agency_id
    )


def can_assign_officer(*, user: AnyUser, report: Report) -> bool:
    """The transition table's rule for "assign-officer", without a query: the user heads the
    unit of the agency handling the report, in one of the statuses the rule names. (The
    services go through action_check, which reads the same rule.)"""
    return (
        user_is_unit_head(user)
        and report.current_agency_id == user.agency_id
        and report.status in TRANSITIONS[ASSIGN_OFFICER].statuses
    )


def reports_agency_resolved(*, user: AnyUser) -> QuerySet[Report]:
    """The officer's agency's history: cases it handled that ended with a published result."""
    if not user_is_officer(user):
        return Report.objects.none()
    return reports_handled(user=user).filter(
        current_agency_id=user.agency_id, status__in=RESOLVED_STATUSES
    )
