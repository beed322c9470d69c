"""SMS to reporters who gave a phone and no e-mail address, through an HTTP gateway
(SMS_GATEWAY_URL; off while it is empty), as outbox messages: retried with backoff, then
dead-lettered. Who may be texted, and when, is reports.services.contact's rule.

The gateway receives a JSON POST {"to", "sender", "text", "reference"} with the token as a
Bearer credential and the reference again as Idempotency-Key, so a gateway that honours it
sends a repeated request once. The phone goes to the gateway only: never into a log line, an
outbox payload or an error message (the outbox stores errors for the admin)."""

import json
import unicodedata
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.services import outbox_enqueue
from reports.models import Delivery, Notification, Report, Transition
from reports.services.contact import notice_contact, user_language
from reports.services.mail import report_link

Action = Transition.Action
# The outbox topic whose consumer (reports.apps) texts one notification.
SMS_TOPIC = "notification.sms"
# The reporter's notices worth a text: the case received, turned down, sent to an agency,
# answered, reopened, merged, or still waiting after six working days.
SMS_ACTIONS = {
    Action.SUBMIT,
    Action.REJECT,
    Action.ASSIGN,
    Action.PUBLISH,
    Action.REOPEN,
    Action.MERGE,
    Action.STATUS_NOTICE,
}
# One SMS in the GSM 7-bit alphabet. Vietnamese letters would make it UCS-2 (70 characters):
# texts are sent without diacritics, as Vietnamese SMS customarily are.
SMS_MAX_CHARS = 160
# Printable ASCII the GSM basic alphabet also has (its extension table's ^{}\[~]| count twice).
_GSM_SAFE = frozenset(
    " !\"#%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz$"
)


class SmsGatewayError(Exception):
    """The gateway refused or could not be reached; the message never names the phone."""


def sms_enabled() -> bool:
    return bool(settings.SMS_GATEWAY_URL)


def sms_enqueue(*, notification: Notification, event: Transition) -> Delivery | None:
    """One outbox message per notification texted, in the caller's transaction (the payload
    names the row, never the phone); safe to run twice."""
    if not sms_enabled() or event.action not in SMS_ACTIONS:
        return None
    delivery, created = Delivery.objects.get_or_create(
        channel=Delivery.Channel.SMS, notification=notification, defaults={"transition": event}
    )
    if created:
        outbox_enqueue(topic=SMS_TOPIC, payload={"delivery_id": delivery.pk})
    return delivery


def gsm_text(text: str) -> str:
    """Vietnamese without diacritics, in characters every phone shows in one GSM SMS."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return "".join(ch if ch in _GSM_SAFE else " " for ch in text)


def sms_text(*, report: Report, event: Transition) -> str:
    """Reference, status and link, at most one SMS: the status is shortened first, then the
    link left out, should a long portal address need it."""
    status = Report.Status(event.to_status).label
    link = report_link(report)
    full = _("Phản ánh %(reference)s: %(status)s. Chi tiết: %(link)s")
    for status_text in (status, status[:24]):
        text = gsm_text(full % {"reference": report.reference, "status": status_text, "link": link})
        if len(text) <= SMS_MAX_CHARS:
            return text
    short = _("Phản ánh %(reference)s: %(status)s.")
    return gsm_text(short % {"reference": report.reference, "status": status})[:SMS_MAX_CHARS]


def phone_e164(phone: str) -> str:
    """A Vietnamese number as the gateway wants it (+84…); anything else as given."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.strip().startswith("+"):
        return "+" + digits
    if digits.startswith("84") and len(digits) >= 11:
        return "+" + digits
    if digits.startswith("0"):
        return "+84" + digits[1:]
    return digits


def sms_gateway_post(*, phone: str, text: str, reference: str) -> None:
    body = json.dumps(
        {
            "to": phone_e164(phone),
            "sender": settings.SMS_SENDER,
            "text": text,
            "reference": reference,
        }
    ).encode()
    headers = {"Content-Type": "application/json", "Idempotency-Key": reference}
    if settings.SMS_GATEWAY_TOKEN:
        headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
    request = urllib.request.Request(
        settings.SMS_GATEWAY_URL, data=body, headers=headers, method="POST"
    )
    # `from None`: the causes carry the request, hence the phone, into tracebacks.
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT_SECONDS):
            return
    except urllib.error.HTTPError as exc:
        raise SmsGatewayError(f"SMS gateway answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SmsGatewayError(f"SMS gateway unreachable ({type(reason).__name__})") from None


def sms_send(*, delivery_id: int) -> bool:
    """Text one notification once (the consumer of SMS_TOPIC): locked, `sent_at` checked and
    set in the relay's transaction, the POST last. A gateway that fails raises: the outbox
    retries with backoff, then dead-letters."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("transition", "notification__user", "notification__report__identity")
            .filter(pk=delivery_id, channel=Delivery.Channel.SMS)
            .first()
        )
        if delivery is None or delivery.sent_at or not sms_enabled():
            return False
        notification = delivery.notification
        report = notification.report
        # Asked again at the send: an address given since, an erased identity, no consent.
        contact = notice_contact(report=report, user=notification.user)
        if report is None or not contact.phone:
            return False
        with translation.override(user_language(notification.user)):
            text = sms_text(report=report, event=delivery.transition)
        stamp = int(delivery.created_at.timestamp() * 1_000_000)
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
        sms_gateway_post(phone=contact.phone, text=text, reference=f"sms-{delivery.pk}.{stamp}")
        return True
