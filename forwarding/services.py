"""Forwarding an agency's events to its own system: heard from the reports core, queued in
the outbox, POSTed as signed JSON by the outbox consumer.

Exactly once on our side: the Delivery row is locked and marked delivered in the relay's
transaction, so a message delivered again posts nothing. Should the worker die between the
receiver's 2xx and that commit, the retry carries the same X-Portal-Delivery id (and event
id): receivers drop a delivery id they have already filed."""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from forwarding.models import Delivery
from forwarding.payload import delivery_body, event_type
from forwarding.selectors import transition_agencies, webhook_for, webhooks_active
from forwarding.validation import webhook_url_problem
from outbox.services import outbox_enqueue
from reports.models import Report, Transition

logger = logging.getLogger(__name__)
FORWARDING_TOPIC = "forwarding.deliver"
# A reminder addressed to the reporter alone; nothing for an agency to file.
NOT_FORWARDED = frozenset({Transition.Action.STATUS_NOTICE})
USER_AGENT = "DienBien-Portal-Forwarding/1"


class WebhookFailed(Exception):
    """The receiver did not take the event (non-2xx, timeout, refused): the outbox retries."""


def signature_compute(*, secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256, keyed by the agency's secret, of `<timestamp>.<body>`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def transition_forward(*, transition: Transition) -> list[Delivery]:
    """The receiver of reports.signals.transition_delivered: one outbox message per agency
    concerned that has an active webhook. It runs in the relay's transaction of the event,
    so the messages commit with that delivery; heard twice, it queues nothing more."""
    if transition.action in NOT_FORWARDED:
        return []
    roles = transition_agencies(transition=transition)
    if not roles:
        return []
    queued = []
    for hook in webhooks_active(agency_codes=roles).select_related("agency"):
        delivery, created = Delivery.objects.get_or_create(
            transition=transition,
            agency=hook.agency,
            defaults={"role": roles[hook.agency.code], "event_type": event_type(transition.action)},
        )
        if created:
            delivery.outbox_message = outbox_enqueue(
                topic=FORWARDING_TOPIC, payload={"delivery_id": delivery.pk}
            )
            delivery.save(update_fields=["outbox_message"])
            queued.append(delivery)
    return queued


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an error: the signed body goes to the address the admin set, nowhere else.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def webhook_post(*, url: str, secret: str, event: str, delivery_id: str, body: dict) -> int:
    """POST one signed event; the receiver's status code, or WebhookFailed."""
    raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=raw,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "X-Portal-Event": event,
            "X-Portal-Delivery": delivery_id,
            "X-Portal-Timestamp": timestamp,
            "X-Portal-Signature": signature_compute(secret=secret, timestamp=timestamp, body=raw),
        },
    )
    # The host only: a query string may carry the receiver's own token.
    where = urlsplit(url).netloc
    try:
        with _OPENER.open(request, timeout=settings.FORWARDING_TIMEOUT_SECONDS) as response:
            response.read(65536)
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        raise WebhookFailed(f"HTTP {exc.code} from {where}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookFailed(f"{type(reason).__name__} posting to {where}: {reason}") from None


def delivery_send(*, delivery_id: int) -> bool:
    """The outbox consumer: POST one event to its agency's webhook, once.

    Raises WebhookFailed on a non-2xx answer or a timeout: the outbox retries with backoff and
    dead-letters it after OUTBOX_MAX_ATTEMPTS. True when it was delivered now."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",))
        .select_related("agency", "transition", "outbox_message")
        .filter(pk=delivery_id)
        .first()
    )
    # Gone with its report, or delivered (or skipped) already.
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return False
    hook = webhook_for(agency_id=delivery.agency_id)
    if hook is None:
        delivery.status = Delivery.Status.SKIPPED
        delivery.save(update_fields=["status"])
        return False
    problem = webhook_url_problem(hook.url)
    if problem:
        raise WebhookFailed(f"Webhook address refused: {problem}")
    report = (
        Report.objects.select_related("category", "commune", "district")
        .defer("commune__geom", "district__geom")  # the body names the units, no outline
        .get(pk=delivery.transition.report_id)
    )
    body = delivery_body(
        delivery=delivery, transition=delivery.transition, report=report, agency=delivery.agency
    )
    code = webhook_post(
        url=hook.url,
        secret=hook.secret,
        event=delivery.event_type,
        delivery_id=str(delivery.uuid),
        body=body,
    )
    message = delivery.outbox_message
    # The message's count is of the attempts before this one (the relay adds this one).
    delivery.attempts = (message.attempts if message else 0) + 1
    delivery.status = Delivery.Status.DELIVERED
    delivery.last_response_code = code
    delivery.delivered_at = timezone.now()
    delivery.save(update_fields=["attempts", "status", "last_response_code", "delivered_at"])
    logger.info("Forwarded %s to %s (HTTP %s)", delivery, delivery.agency.code, code)
    return True
