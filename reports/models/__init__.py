from reports.models.media import Media
from reports.models.privacy import ProcessingConsent
from reports.models.reports import Follow, IdentityConsent, Report, ReporterIdentity
from reports.models.support import AuditLog, IdempotencyKey, Notification
from reports.models.users import Role, User
from reports.models.workflow import (
    Assignment,
    Comment,
    Extension,
    Rating,
    Result,
    Transition,
)

__all__ = [
    "Assignment",
    "AuditLog",
    "Comment",
    "Extension",
    "Follow",
    "IdempotencyKey",
    "IdentityConsent",
    "Media",
    "Notification",
    "ProcessingConsent",
    "Rating",
    "Report",
    "ReporterIdentity",
    "Result",
    "Role",
    "Transition",
    "User",
]
