"""Which report events an area alert tells of. Who may see what is the policy's answer: a
report the public sees (never a hidden one), a result the public may read (never a private
one); this module only says which moment is "new" and which is "a result"."""

from django.contrib.auth.models import AnonymousUser

from alerts.models import AlertDelivery
from reports import policy
from reports.models import Transition

Kind = AlertDelivery.Kind


def event_kind(event: Transition) -> str | None:
    """`new`, `results` or None (nothing an alert tells of), on the report's state now: a
    report hidden since the event alerts nobody."""
    if not event.public or not policy.report_is_public(event.report):
        return None
    if event.action == Transition.Action.PUBLISH:
        result_id = (event.data or {}).get("result")
        public = policy.results_visible(user=AnonymousUser()).filter(pk=result_id)
        return Kind.RESULTS if result_id and public.exists() else None
    return Kind.NEW if policy.transition_first_made_public(event) else None
