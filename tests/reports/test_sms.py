"""SMS for reporters without e-mail: through the outbox to an HTTP gateway (a local server
standing in for it checks the token and the body), once per notice even when it answers 500
first; a gateway that is down dead-letters the message, and the phone appears in no log line
and no stored error."""

import json
import logging
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxMessage
from reports.models import Delivery, ProcessingConsent, Transition
from reports.services import notifications, workflow
from reports.services.sms import SMS_MAX_CHARS, SMS_TOPIC, sms_text
from tests.processes import free_port
from tests.reports.conftest import REPORTER_PHONE

pytestmark = pytest.mark.django_db
TOKEN = "sms-gateway-token-thu"
PORTAL = "https://phananh.dienbien.test"


class Gateway:
    """A local HTTP server standing in for the SMS gateway: answers the queued status codes,
    then 200; records each request's headers and JSON body."""

    def __init__(self):
        self.requests: list[tuple[dict, dict]] = []
        self.statuses: list[int] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.requests.append((dict(self.headers), body))
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):  # the request line is the test's business only
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/api/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    with Gateway() as running:
        settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_TOKEN = running.url, TOKEN
        settings.SMS_SENDER, settings.NOTIFY_PORTAL_URL = "DIENBIEN", PORTAL
        yield running


@pytest.fixture
def no_email(reporter):
    reporter.email = ""
    reporter.save(update_fields=["email"])
    return reporter


@pytest.fixture
def assigned(no_email, submit, ioc, ubnd_dbp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        report = submit()
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    return report


def sms_messages():
    return OutboxMessage.objects.filter(topic=SMS_TOPIC)


def test_a_reporter_without_email_gets_one_sms_through_the_gateway(gateway, assigned, no_email):
    outbox.outbox_relay()
    [(headers, body)] = gateway.requests
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert body["to"] == "+84" + REPORTER_PHONE[1:] and body["sender"] == "DIENBIEN"
    assert headers["Idempotency-Key"] == body["reference"]
    text = body["text"]
    assert text == (
        f"Phan anh {assigned.reference}: Da chuyen co quan xu ly. "
        f"Chi tiet: {PORTAL}/phan-anh/{assigned.reference}/"
    )
    assert len(text) <= SMS_MAX_CHARS and text.isascii()
    # The outbox holds the row's id, never the phone; no e-mail went to the reporter.
    assert [m.payload for m in sms_messages()] == [{"delivery_id": Delivery.objects.get().pk}]
    assert not [m for m in mail.outbox if m.to == [no_email.email]]

    # Delivered again, and the event's consumer run again: no second SMS, no second message.
    sms_messages().update(state=OutboxMessage.State.PENDING)
    assign = assigned.transitions.get(action=Transition.Action.ASSIGN)
    notifications.transition_deliver(transition_id=assign.pk)
    outbox.outbox_relay()
    assert len(gateway.requests) == 1 and sms_messages().count() == 1


def test_a_gateway_answering_500_is_retried_and_sends_exactly_once(gateway, assigned):
    gateway.statuses = [500]
    outbox.outbox_relay()
    message = sms_messages().get()
    assert (message.state, message.attempts) == ("pending", 1)
    assert "HTTP 500" in message.last_error and REPORTER_PHONE[1:] not in message.last_error
    assert Delivery.objects.get().sent_at is None

    outbox.outbox_relay(now=timezone.now() + timedelta(seconds=3))
    outbox.outbox_relay(now=timezone.now() + timedelta(minutes=5))
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("sent", 2)
    # Both tries carried the same key, so a gateway that honours it texts once.
    assert len(gateway.requests) == 2
    assert len({headers["Idempotency-Key"] for headers, _ in gateway.requests}) == 1
    assert Delivery.objects.get().sent_at is not None


def test_a_gateway_that_is_down_dead_letters_without_the_phone_anywhere(settings, assigned, caplog):
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free_port()}/api/send"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with caplog.at_level(logging.DEBUG):
        outbox.outbox_relay()
        outbox.outbox_relay(now=timezone.now() + timedelta(seconds=3))
    message = sms_messages().get()
    assert (message.state, message.attempts) == ("dead", 2)
    assert "unreachable" in message.last_error
    # Even before the log filter masks phones, nothing logged or stored names it.
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(record) for record in caplog.records)
    assert "Outbox message" in logged
    for text in (logged, message.last_error, json.dumps(message.payload)):
        assert REPORTER_PHONE not in text and REPORTER_PHONE[1:] not in text


def test_who_is_texted(settings, gateway, submit, reporter, ioc, ubnd_dbp):
    # A reporter with an e-mail address is e-mailed, not texted.
    report = submit()
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    outbox.outbox_relay()
    assert gateway.requests == [] and any(m.to == [reporter.email] for m in mail.outbox)

    # Without consent recorded with the report, the phone is not used.
    reporter.email = ""
    reporter.save(update_fields=["email"])
    report = submit()
    ProcessingConsent.objects.filter(report=report).delete()
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    outbox.outbox_relay()
    assert gateway.requests == []

    # With the gateway off, nothing is enqueued.
    settings.SMS_GATEWAY_URL = ""
    workflow.report_assign(actor=ioc, report=submit(), agency=ubnd_dbp)
    outbox.outbox_relay()
    assert gateway.requests == [] and not Delivery.objects.exists()


def test_the_text_fits_one_sms_even_with_a_long_portal_address(settings, report):
    settings.NOTIFY_PORTAL_URL = "https://" + "cong-phan-anh-hien-truong." * 4 + "dienbien.gov.vn"
    event = report.transitions.get()
    text = sms_text(report=report, event=event)
    assert len(text) <= SMS_MAX_CHARS and text.isascii()
    assert text.startswith(f"Phan anh {report.reference}: Cho tiep nhan")
