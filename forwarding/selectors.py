"""Reads: which agencies an event concerns, and their active webhooks."""

from django.db.models import QuerySet

from forwarding.models import AgencyWebhook, Delivery
from reports.models import Transition

Action = Transition.Action
# How the handling agency changes along a report's events (reports.services.workflow and
# moderation): an assignment names the new one in its data; these end the handling.
HANDLING_ENDS = frozenset({Action.SEND_BACK, Action.MERGE})
HANDOVER_ACTIONS = (Action.ASSIGN, *HANDLING_ENDS)


def _handler_after(handler: str | None, action: str, data: dict) -> str | None:
    if action == Action.ASSIGN and data.get("agency"):
        return data["agency"]
    if action in HANDLING_ENDS:
        return None
    return handler


def transition_agencies(*, transition: Transition) -> dict[str, str]:
    """Agency code -> its role in the event: the agency handling the case once the event
    happened, and the one the event took the case from (re-assigned, sent back, merged).

    Worked out from the report's own handover events up to this one rather than from its
    current agency: the relay may hear of an event after later ones have moved the case on."""
    history = (
        Transition.objects.filter(
            report_id=transition.report_id, pk__lt=transition.pk, action__in=HANDOVER_ACTIONS
        )
        .order_by("pk")
        .values_list("action", "data")
    )
    before = None
    for action, data in history:
        before = _handler_after(before, action, data)
    after = _handler_after(before, transition.action, transition.data or {})
    roles: dict[str, str] = {}
    if after:
        roles[after] = Delivery.Role.HANDLER
    if before and before != after:
        roles[before] = Delivery.Role.PREVIOUS
    return roles


def webhooks_active(*, agency_codes) -> QuerySet[AgencyWebhook]:
    return AgencyWebhook.objects.filter(is_active=True, agency__code__in=list(agency_codes))


def webhook_for(*, agency_id: int) -> AgencyWebhook | None:
    return AgencyWebhook.objects.filter(agency_id=agency_id, is_active=True).first()
