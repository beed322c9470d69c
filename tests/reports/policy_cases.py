"""The states and the cast of users the policy tables run over (fixtures in conftest)."""

from reports.models import Report

Status = Report.Status
# Statuses in which an agency holds the case (current_agency set, an active assignment).
WITH_AGENCY = {
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.RESULT_SUBMITTED,
    Status.PUBLISHED,
    Status.REOPENED,
}
ROLES = (
    "anonymous",
    "citizen",
    "reporter",
    "ioc",
    "supervisor",
    "planner",
    "handler",
    "coordinator",
    "outsider",
)
