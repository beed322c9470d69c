from reports.models.delivery import Delivery
from reports.models.drafts import DraftMedia, ReportDraft
from reports.models.media import Media
from reports.models.privacy import ProcessingConsent
from reports.models.reports import Follow, IdentityConsent, Report, ReporterIdentity
from reports.models.support import AuditLog, IdempotencyKey, Notification
from reports.models.templates import ResponseTemplate
from reports.models.users import Role, User
from reports.models.volunteers import ReportClaim, VolunteerApplication
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
    "Delivery",
    "DraftMedia",
    "Extension",
    "Follow",
    "IdempotencyKey",
    "IdentityConsent",
    "Media",
    "Notification",
    "ProcessingConsent",
    "Rating",
    "Report",
    "ReportClaim",
    "ReportDraft",
    "ReporterIdentity",
    "ResponseTemplate",
    "Result",
    "Role",
    "Transition",
    "User",
    "VolunteerApplication",
]
