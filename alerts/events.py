"""Which report events an area alert tells of. Who may see what is the policy's answer: a
report the public sees (never a hidden one), a result the public may read (never a private
one); this module only says which moment is "new" and which is "a result"."""

from django.contrib.auth.models import AnonymousUser

from alerts.models import AlertDelivery
from reports import policy
from reports.models import Transition

Kind = AlertDelivery.Kind


def _first_public_moment(event: Transition) -> bool:
    """The event that first put the report in a public status (a report sent back to the IOC
    and assigned again is not new a second time)."""
    public = policy.PUBLIC_STATUSES
    if event.to_status not in public or event.from_status in public:
        return False
    earlier = event.report.transitions.filter(pk__lt=event.pk, to_status__in=public)
    return not earlier.exists()


def event_kind(event: Transition) -> str | None:
    """`new`, `results` or None (nothing an alert tells of), on the report's state now: a
    report hidden since the event alerts nobody."""
    if not event.public or not policy.report_is_public(event.report):
        return None
    if event.action == Transition.Action.PUBLISH:
        result_id = (event.data or {}).get("result")
        public = policy.results_visible(user=AnonymousUser()).filter(pk=result_id)
        return Kind.RESULTS if result_id and public.exists() else None
    return Kind.NEW if _first_public_moment(event) else None
