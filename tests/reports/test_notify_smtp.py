"""E-mail for real: the workflow's services and the outbox relay send through Django's SMTP
backend to a real SMTP server (aiosmtpd, on a free loopback port). The reporter gets their
notices at the address given with the report, with a link to it; the agency's mailbox hears
of the cases given, returned or reopened to it, overdue, or whose extension was decided,
without anything of the reporter's identity; each once, however often it is delivered."""

import asyncio
import email
import email.policy
import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxMessage
from reports.models import Delivery, Transition
from reports.services import notifications, workflow
from reports.services.deadlines import reports_deadlines_check
from reports.services.mail import AGENCY_EMAIL_TOPIC
from reports.services.notifications import NOTIFICATION_EMAIL_TOPIC
from tests.processes import free_port
from tests.reports.conftest import REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.django_db
Action = Transition.Action
PORTAL = "https://phananh.dienbien.test"
MAILBOX = "vanthu.ubnd-dbp@dienbien.test"
GIVEN = "dia-chi-rieng@example.test"


@dataclass
class _Handler:
    slow: dict = field(default_factory=dict)  # address -> seconds before accepting its mail
    lock: threading.Lock = field(default_factory=threading.Lock)
    received: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's name
        # A relay that scans a message before it answers (a content filter).
        await asyncio.sleep(max((self.slow.get(r, 0) for r in envelope.rcpt_tos), default=0))
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs each command
    handler = _Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_TIMEOUT = 2
    settings.NOTIFY_PORTAL_URL = PORTAL
    try:
        yield handler
    finally:
        controller.stop()


def to(handler: _Handler, address: str) -> list:
    with handler.lock:
        return [message for rcpt, message in handler.received if rcpt == [address]]


def mail_messages():
    """This module's outbox messages (other apps add their own to each event)."""
    return OutboxMessage.objects.filter(topic__in=[AGENCY_EMAIL_TOPIC, NOTIFICATION_EMAIL_TOPIC])


@pytest.fixture
def mailbox(ubnd_dbp):
    ubnd_dbp.email = MAILBOX
    ubnd_dbp.save(update_fields=["email"])
    return ubnd_dbp


def subject(message) -> str:
    # The folded, encoded header parses back with its leading space.
    return str(message["Subject"]).strip()


def assert_no_identity(message) -> None:
    raw = message.as_string() + message.get_body().get_content()
    for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, GIVEN):
        assert secret not in raw


def test_reporter_and_agency_mailbox_each_receive_their_mail_once(
    smtp, submit, ioc, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        report = submit(email=GIVEN)
        workflow.report_assign(actor=ioc, report=report, agency=mailbox)
    outbox.outbox_relay()

    # The reporter: at the address given with the report, not the account's.
    assert to(smtp, REPORTER_EMAIL) == []
    [mine] = to(smtp, GIVEN)
    assert subject(mine) == f"Phản ánh {report.reference}: Chuyển cơ quan xử lý"
    body = mine.get_body().get_content()
    assert f"{PORTAL}/phan-anh/{report.reference}/" in body
    assert "Trạng thái: Đã chuyển cơ quan xử lý." in body
    assert mine["Auto-Submitted"] == "auto-generated" and mine["Message-ID"]

    # The agency's mailbox: the case, its place and deadline, the link; no identity.
    [notice] = to(smtp, MAILBOX)
    assert subject(notice) == f"Phản ánh {report.reference}: Chuyển cơ quan xử lý"
    text = notice.get_body().get_content()
    assert "Kính gửi UBND phường Điện Biên Phủ," in text
    assert report.title in text and "Hạn xử lý:" in text
    assert f"{PORTAL}/phan-anh/{report.reference}/" in text
    assert_no_identity(notice)
    sent = len(smtp.received)

    # Delivered again (every message, an extra one for the same mailbox, the event's consumer
    # run again): nothing more is sent, and no second message is enqueued.
    mail_messages().update(state=OutboxMessage.State.PENDING)
    delivery = Delivery.objects.get()
    OutboxMessage.objects.create(topic=AGENCY_EMAIL_TOPIC, payload={"delivery_id": delivery.pk})
    assign = report.transitions.get(action=Action.ASSIGN)
    notifications.transition_deliver(transition_id=assign.pk)
    outbox.outbox_relay()
    assert len(smtp.received) == sent
    assert OutboxMessage.objects.filter(topic=AGENCY_EMAIL_TOPIC).count() == 2
    assert Delivery.objects.count() == 1 and Delivery.objects.get().sent_at


def test_agency_mailbox_hears_extension_return_reopen_and_overdue(
    smtp, report, ioc, officer, mailbox
):
    workflow.report_assign(actor=ioc, report=report, agency=mailbox)
    workflow.report_start(actor=officer, report=report)
    extension = workflow.extension_request(actor=officer, report=report, days=3, reason="Vật tư")
    workflow.extension_decide(actor=ioc, extension=extension, approve=True)
    workflow.result_submit(actor=officer, report=report, text="Đã thu gom rác.")
    workflow.result_return(actor=ioc, report=report, reason="Cần ảnh sau xử lý")
    workflow.result_submit(actor=officer, report=report, text="Đã thu gom rác, có ảnh.")
    workflow.result_publish(actor=ioc, report=report)
    workflow.report_reopen(actor=ioc, report=report, reason="Người dân phản hồi còn rác")
    reports_deadlines_check(now=timezone.now() + timedelta(days=60))
    outbox.outbox_relay()

    received = to(smtp, MAILBOX)
    actions = [subject(m).split(": ", 1)[1] for m in received]
    assert sorted(actions) == sorted(
        [
            "Chuyển cơ quan xử lý",
            "Duyệt gia hạn",
            "Trả lại kết quả",
            "Mở lại",
            "Quá hạn",
        ]
    )
    # An internal event's reason reaches the mailbox as it reaches the handling officers.
    returned = next(m for m in received if subject(m).endswith("Trả lại kết quả"))
    assert "Cần ảnh sau xử lý" in returned.get_body().get_content()
    for message in received:
        assert_no_identity(message)
    assert len({m["Message-ID"] for m in received}) == len(received)


def test_a_relay_slow_to_accept_is_waited_for_not_sent_the_message_twice(
    smtp, settings, report, ioc, mailbox
):
    """A relay that answers the end of DATA after EMAIL_TIMEOUT: timed out there, the send
    would roll back its record while the relay accepts the message, and the outbox would send
    it again. Once connected, a send waits EMAIL_DATA_TIMEOUT_SECONDS instead."""
    smtp.slow[MAILBOX] = 1.0
    settings.EMAIL_TIMEOUT, settings.EMAIL_DATA_TIMEOUT_SECONDS = 0.3, 5
    workflow.report_assign(actor=ioc, report=report, agency=mailbox)
    outbox.outbox_relay()
    assert len(to(smtp, MAILBOX)) == 1
    assert set(mail_messages().values_list("state", "attempts")) == {("sent", 1)}
    outbox.outbox_relay(now=timezone.now() + timedelta(minutes=5))
    assert len(to(smtp, MAILBOX)) == 1


def test_a_mail_server_that_is_down_fails_within_email_timeout(settings, report, ioc, mailbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 1
    workflow.report_assign(actor=ioc, report=report, agency=mailbox)
    outbox.outbox_relay()
    message = OutboxMessage.objects.get(topic=AGENCY_EMAIL_TOPIC)
    assert (message.state, message.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in message.last_error
    assert Delivery.objects.get().sent_at is None  # the mark rolled back with the failure


def test_placeholder_and_missing_mailboxes_get_nothing(report, ioc, ubnd_dbp):
    ubnd_dbp.email = "ubnd-dien-bien-phu@example.invalid"  # data/routing/agencies.toml's
    ubnd_dbp.save(update_fields=["email"])
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    outbox.outbox_relay()
    assert not Delivery.objects.exists()
    assert not OutboxMessage.objects.filter(topic=AGENCY_EMAIL_TOPIC).exists()
