"""Who the asking user is: portal-wide roles, and the parts one user plays in one report."""

from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from reports.models import Assignment, Report, Role, User

AnyUser = User | AnonymousUser | None

# Province staff who verify, assign, publish and moderate (supervisors and admins included).
IOC_ROLES = frozenset({Role.IOC_OPERATOR, Role.SUPERVISOR, Role.ADMIN})
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


class Party(StrEnum):
    """The part a user plays in one report; the transition table grants actions to parties."""

    IOC = "ioc"
    SUPERVISOR = "supervisor"
    HANDLER = "handler"  # an officer of the agency handling the case now
    COORDINATOR = "coordinator"  # an officer of an agency invited to coordinate
    UNIT_HEAD = "unit_head"  # the head of unit of the handling agency (always a handler too)
    REPORTER = "reporter"
    PLANNER = "planner"
    CITIZEN = "citizen"  # any other signed-in user


def user_authenticated(user: AnyUser) -> bool:
    return user is not None and not isinstance(user, AnonymousUser) and user.is_authenticated


def user_is_ioc(user: AnyUser) -> bool:
    return user_authenticated(user) and (user.is_superuser or user.role in IOC_ROLES)


def user_is_supervisor(user: AnyUser) -> bool:
    return user_authenticated(user) and (user.is_superuser or user.role in SUPERVISOR_ROLES)


def user_is_planner(user: AnyUser) -> bool:
    return user_authenticated(user) and user.role == Role.PLANNER


def user_is_analyst(user: AnyUser) -> bool:
    """Province-wide analysis (every report, hidden included, in aggregates and analysis maps)."""
    return user_is_ioc(user) or user_is_planner(user)


def user_is_officer(user: AnyUser) -> bool:
    return (
        user_authenticated(user) and user.role == Role.AGENCY_OFFICER and user.agency_id is not None
    )


def user_is_volunteer(user: AnyUser) -> bool:
    """A citizen the IOC approved to file reports for people present with them."""
    return user_authenticated(user) and user.role == Role.VOLUNTEER


# Citizens by standing: a volunteer files for others but works for no office of the province.
CITIZEN_ROLES = frozenset({Role.CITIZEN, Role.VOLUNTEER})


def user_is_staff(user: AnyUser) -> bool:
    """Any role other than citizen (or volunteer): accounts whose holders work for the province."""
    return user_authenticated(user) and (user.is_superuser or user.role not in CITIZEN_ROLES)


def user_needs_two_factor(user: AnyUser) -> bool:
    """Accounts that can read a reporter's identity, or enter the Django admin, sign in with a
    second factor."""
    return (
        user_is_ioc(user)
        or user_is_supervisor(user)
        or (user_authenticated(user) and user.is_staff)
    )


def accounts_visible(*, user: AnyUser):
    """Accounts a user may list (the admin): a citizen's account carries their identity, so
    only superusers see citizens'; other staff see staff accounts."""
    if user_authenticated(user) and user.is_superuser:
        return User.objects.all()
    if not user_is_staff(user):
        return User.objects.none()
    return User.objects.exclude(role__in=CITIZEN_ROLES)


@dataclass(frozen=True)
class Viewer:
    """One user's parts in one report, computed once (at most two queries) per request."""

    user: AnyUser
    parties: frozenset[Party]

    def plays(self, *parties: Party) -> bool:
        return bool(self.parties.intersection(parties))

    @property
    def is_reporter(self) -> bool:
        return Party.REPORTER in self.parties

    @property
    def is_ioc(self) -> bool:
        return Party.IOC in self.parties

    @property
    def is_handler(self) -> bool:
        return Party.HANDLER in self.parties

    @property
    def handles(self) -> bool:
        """Staff working the case (IOC, handling or coordinating agency): see internal notes."""
        return self.plays(Party.IOC, Party.HANDLER, Party.COORDINATOR)

    @property
    def party_to_result(self) -> bool:
        """Who may read a private result and the thread around it (QĐ 663: the reporter,
        the IOC and the handling agency)."""
        return self.plays(Party.REPORTER, Party.IOC, Party.HANDLER)


def report_viewer(*, user: AnyUser, report: Report) -> Viewer:
    parties: set[Party] = set()
    if user_authenticated(user):
        if user_is_ioc(user):
            parties.add(Party.IOC)
        if user_is_supervisor(user):
            parties.add(Party.SUPERVISOR)
        if user_is_planner(user):
            parties.add(Party.PLANNER)
        if user_is_officer(user) and (party := _agency_party(user.agency_id, report)):
            parties.add(party)
            if party == Party.HANDLER and user.unit_head:
                parties.add(Party.UNIT_HEAD)
        if Report.objects.filter(pk=report.pk, identity__user=user).exists():
            parties.add(Party.REPORTER)
        if not parties:
            parties.add(Party.CITIZEN)
    return Viewer(user=user, parties=frozenset(parties))


def _agency_party(agency_id: int, report: Report) -> Party | None:
    if report.current_agency_id == agency_id:
        return Party.HANDLER
    if Assignment.objects.filter(report_id=report.pk, active=True, coordinators=agency_id).exists():
        return Party.COORDINATOR
    return None


def agency_viewer(*, agency_id: int, report: Report) -> Viewer:
    """An agency's own system (its webhook) standing for its officers: the part any officer
    of the agency plays in the report, and nothing personal (never reporter, IOC, planner)."""
    return Viewer(user=None, parties=frozenset({_agency_party(agency_id, report) or Party.CITIZEN}))


def handled_q(*, user: AnyUser) -> Q:
    """Reports an officer's agency handles now or coordinates (its queue); nothing otherwise."""
    if not user_is_officer(user):
        return Q(pk__in=[])
    return Q(current_agency_id=user.agency_id) | Q(
        pk__in=Assignment.objects.filter(active=True, coordinators=user.agency_id).values(
            "report_id"
        )
    )
