"""The transactional outbox: what must happen after a commit is a row written with the change,
and a relay delivers it. Consumers are idempotent, so a row delivered twice does no harm; the
row is marked sent in the same transaction as its consumer's writes, so it is delivered once."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.wake import outbox_wake_push

logger = logging.getLogger(__name__)
# topic -> consumer; apps register theirs in AppConfig.ready (the outbox imports no app).
CONSUMERS: dict[str, Callable[[dict], None]] = {}


def outbox_consumer_register(*, topic: str, consumer: Callable[[dict], None]) -> None:
    CONSUMERS[topic] = consumer


def outbox_enqueue(*, topic: str, payload: dict) -> OutboxMessage:
    """Write the message inside the caller's transaction; after commit, wake a worker."""
    if topic not in CONSUMERS:
        raise ValueError(f"No consumer for outbox topic {topic!r}")
    message = OutboxMessage.objects.create(topic=topic, payload=payload)
    transaction.on_commit(outbox_kick)
    return message


def outbox_kick() -> None:
    """Ask a worker to relay now (outbox.wake). A Redis that is down changes nothing: the
    worker's own relay loop (every OUTBOX_RELAY_SECONDS) delivers the rows later. Without a
    broker (Celery's eager mode) the relay runs here and now."""
    try:
        # Only eager mode loads Celery here; the app's own flag has the last word (a test with
        # a real worker turns it off).
        if settings.CELERY_TASK_ALWAYS_EAGER:
            from outbox.tasks import outbox_relay_task

            if outbox_relay_task.app.conf.task_always_eager:
                outbox_relay_task.apply_async(retry=False)
                return
        outbox_wake_push()
    except Exception as exc:  # noqa: BLE001 — any broker failure; the row is safe in the DB
        logger.warning("Broker unavailable, outbox relay deferred: %s", exc)


@dataclass(frozen=True)
class RelayOutcome:
    sent: int
    retried: int
    dead: int


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, settings.OUTBOX_MAX_BACKOFF_SECONDS))


def _deliver(message: OutboxMessage, *, now: datetime) -> str:
    try:
        with transaction.atomic():
            CONSUMERS[message.topic](message.payload)
            message.state = OutboxMessage.State.SENT
            message.attempts += 1
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["state", "attempts", "sent_at", "last_error"])
        return "sent"
    except Exception as exc:  # noqa: BLE001 — a consumer's failure must not stop the others
        logger.exception("Outbox message %s failed", message.pk)
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            message.state = OutboxMessage.State.DEAD
        else:
            message.available_at = now + _backoff(message.attempts)
        message.save(update_fields=["state", "attempts", "last_error", "available_at"])
        return "dead" if message.state == OutboxMessage.State.DEAD else "retried"


def outbox_pending(*, now: datetime | None = None):
    now = now or timezone.now()
    return OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, available_at__lte=now)


def outbox_relay(*, now: datetime | None = None) -> RelayOutcome:
    """Deliver every due message once, each in a transaction of its own: its consumer's writes
    and its `sent` mark commit together, and nothing already delivered waits on (or is undone
    with) the rest of a batch. Rows are taken with SKIP LOCKED, so several workers relay side by
    side without delivering one row twice. Without `now`, each message is picked against the
    clock, so what a consumer enqueues (e.g. its e-mails) is relayed in the same round."""
    counts = {"sent": 0, "retried": 0, "dead": 0}
    while True:
        at = now or timezone.now()
        with transaction.atomic():
            message = (
                outbox_pending(now=at).select_for_update(skip_locked=True).order_by("id").first()
            )
            if message is None:
                return RelayOutcome(**counts)
            counts[_deliver(message, now=at)] += 1


def outbox_retry(*, message_ids: list[int]) -> int:
    """Give dead-lettered messages another round (from the admin)."""
    return OutboxMessage.objects.filter(pk__in=message_ids, state=OutboxMessage.State.DEAD).update(
        state=OutboxMessage.State.PENDING, attempts=0, available_at=timezone.now()
    )
