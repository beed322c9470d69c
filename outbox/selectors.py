"""Reads of the outbox: its backlog, for the operators' metrics and health."""

from django.db.models import Count, Min
from django.utils import timezone

from outbox.models import OutboxMessage


def outbox_backlog() -> dict:
    """Messages per state, and the age in seconds of the oldest one still pending."""
    by_state = dict(OutboxMessage.objects.values_list("state").annotate(n=Count("pk")).order_by())
    oldest = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).aggregate(
        at=Min("created_at")
    )["at"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return {"by_state": by_state, "oldest_pending_seconds": age}
