"""An agency's system hears each of its cases' events once, signed, through the outbox: real
workflow services, the real relay, a real HTTP receiver on a local port."""

from datetime import timedelta

import pytest
from django.utils import timezone

from forwarding.models import AgencyWebhook, Delivery
from forwarding.services import FORWARDING_TOPIC, delivery_send
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from reports.services import citizen, moderation, workflow
from reports.services.common import TRANSITION_NOTIFY_TOPIC
from tests.forwarding.conftest import SECRET
from tests.processes import free_port
from tests.reports.conftest import REPORTER_EMAIL, REPORTER_NAME, REPORTER_PHONE

pytestmark = pytest.mark.django_db
RESULT_TEXT = "Đã thu gom toàn bộ rác, phun khử mùi khu vực."
NOTE = "Ghi chú nội bộ: chờ xe rác của công ty môi trường."


def later(minutes: int = 10):
    return timezone.now() + timedelta(minutes=minutes)


def forwarded():
    return OutboxMessage.objects.filter(topic=FORWARDING_TOPIC)


def test_assignment_status_changes_and_result_reach_the_agency_signed_once(
    submit, ioc, officer, ubnd_dbp, hook, receiver
):
    report = submit()
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.report_start(actor=officer, report=report)
    citizen.comment_add(actor=officer, report=report, body=NOTE, internal=True)
    workflow.result_submit(actor=officer, report=report, text=RESULT_TEXT)
    workflow.result_publish(actor=ioc, report=report)
    outbox_relay()

    got = receiver.received
    assert [r.headers["X-Portal-Event"] for r in got] == [
        "report.assign",
        "report.start",
        "report.submit_result",
        "report.publish",
    ]
    assert all(r.signature_ok and r.answered == 200 for r in got)
    assert len({r.headers["X-Portal-Delivery"] for r in got}) == 4
    report.refresh_from_db()
    assign = got[0].body
    assert assign["event_type"] == "report.assign"
    assert assign["agency"] == {"code": ubnd_dbp.code, "name": ubnd_dbp.name, "role": "handler"}
    assert assign["report"]["reference"] == report.reference
    assert assign["report"]["url"] == f"/phan-anh/{report.reference}/"
    assert assign["report"]["category"]["code"] == "ve-sinh-moi-truong"
    assert assign["report"]["commune"]["code"] == "03127"
    assert assign["report"]["longitude"] == pytest.approx(103.0578)
    assert assign["report"]["due_at"] and assign["event"]["to_status"] == "assigned"
    assert assign["result"] is None
    # The result the event is about, as it stands when sent (published by then).
    assert got[2].body["result"]["text"] == RESULT_TEXT
    assert got[2].body["event"]["to_status"] == "result_submitted"
    assert got[3].body["result"] == {"text": RESULT_TEXT, "state": "published", "public": True}
    for item in got:
        text = item.raw.decode()
        assert item.body["event_id"] == int(item.body["event_id"])
        assert item.headers["X-Portal-Delivery"] == item.body["delivery_id"]
        for secret in (REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, "nguoidan", NOTE):
            assert secret not in text
    deliveries = Delivery.objects.all()
    assert {(d.status, d.attempts, d.last_response_code) for d in deliveries} == {
        ("delivered", 1, 200)
    }
    assert outbox_relay(now=later()).sent == 0
    assert len(receiver.received) == 4


def test_a_failing_receiver_is_retried_with_the_same_delivery_id_then_filed_once(
    submit, ioc, ubnd_dbp, hook, receiver
):
    receiver.answers = [500]
    workflow.report_assign(actor=ioc, report=submit(), agency=ubnd_dbp)
    assert outbox_relay().retried == 1
    delivery = Delivery.objects.select_related("outbox_message").get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.outbox_message.attempts == 1
    assert "HTTP 500" in delivery.outbox_message.last_error
    assert "token" not in delivery.outbox_message.last_error  # the host only

    assert outbox_relay(now=later()).sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        "delivered",
        2,
        200,
    )
    first, second = receiver.received
    assert first.signature_ok and second.signature_ok
    assert first.headers["X-Portal-Delivery"] == second.headers["X-Portal-Delivery"]
    assert first.body["event_id"] == second.body["event_id"]
    assert (first.answered, second.answered) == (500, 200)
    assert len(receiver.delivered) == 1


def test_a_message_delivered_twice_posts_once_and_an_event_heard_twice_queues_once(
    submit, ioc, ubnd_dbp, hook, receiver
):
    workflow.report_assign(actor=ioc, report=submit(), agency=ubnd_dbp)
    outbox_relay()
    delivery = Delivery.objects.get()
    # The relay hands both messages over again (as after a crash before their `sent` mark).
    OutboxMessage.objects.filter(topic__in=[FORWARDING_TOPIC, TRANSITION_NOTIFY_TOPIC]).update(
        state=OutboxMessage.State.PENDING
    )
    outbox_relay()
    assert delivery_send(delivery_id=delivery.pk) is False
    assert len(receiver.received) == 1
    assert Delivery.objects.count() == forwarded().count() == 1


def test_an_agency_without_an_active_webhook_gets_nothing(
    submit, ioc, ubnd_dbp, other_agency, hook, receiver
):
    AgencyWebhook.objects.create(
        agency=other_agency, url=receiver.url, secret=SECRET, is_active=False
    )
    workflow.report_assign(
        actor=ioc, report=submit(), agency=other_agency, override_reason="Thuộc ngành xây dựng."
    )
    outbox_relay()
    assert receiver.received == []
    assert not Delivery.objects.exists() and not forwarded().exists()


def test_a_webhook_switched_off_after_the_event_sends_nothing(
    submit, ioc, ubnd_dbp, hook, receiver, django_capture_on_commit_callbacks
):
    workflow.report_assign(actor=ioc, report=submit(), agency=ubnd_dbp)
    # Hear the event (its notifications and the forwarding message), then switch off.
    outbox_relay(now=timezone.now())
    receiver.received.clear()
    Delivery.objects.update(status=Delivery.Status.PENDING)
    forwarded().update(state=OutboxMessage.State.PENDING)
    AgencyWebhook.objects.update(is_active=False)
    outbox_relay()
    assert receiver.received == []
    assert Delivery.objects.get().status == Delivery.Status.SKIPPED


def test_the_agency_a_case_is_taken_from_hears_it_and_only_the_reference(
    submit, ioc, officer, ubnd_dbp, other_agency, hook, receiver
):
    report = submit()
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.report_send_back(actor=officer, report=report, reason="Không thuộc thẩm quyền.")
    workflow.report_assign(
        actor=ioc, report=report, agency=other_agency, override_reason="Thuộc ngành xây dựng."
    )
    duplicate = submit()
    workflow.report_assign(actor=ioc, report=duplicate, agency=ubnd_dbp)
    moderation.report_merge(actor=ioc, report=duplicate, into=report, reason="Cùng sự việc.")
    outbox_relay()

    got = [(r.headers["X-Portal-Event"], r.body["agency"]["role"]) for r in receiver.received]
    assert got == [
        ("report.assign", "handler"),
        ("report.send_back", "previous"),
        ("report.assign", "handler"),
        ("report.merge", "previous"),
    ]
    # Sent back: by the time it is sent the case is another agency's (public), so the agency
    # that gave it up sees the public facts, never the internal reason it gave.
    sent_back = receiver.received[1]
    assert sent_back.body["event"] is None and sent_back.body["result"] is None
    assert sent_back.body["report"]["reference"] == report.reference
    assert "thẩm quyền" not in sent_back.raw.decode()
    # Merged: neither public nor its case any more, so the reference alone.
    merged = receiver.received[3].body
    assert set(merged) == {
        "schema",
        "event_id",
        "event_type",
        "occurred_at",
        "delivery_id",
        "agency",
        "report",
    }
    assert merged["report"] == {"reference": duplicate.reference}
    assert all(r.signature_ok for r in receiver.received)


def test_a_dead_receiver_ends_in_a_dead_letter(submit, ioc, ubnd_dbp, settings):
    settings.FORWARDING_ALLOW_HTTP = True
    settings.OUTBOX_MAX_ATTEMPTS = 3
    AgencyWebhook.objects.create(
        agency=ubnd_dbp, url=f"http://127.0.0.1:{free_port()}/hook", secret=SECRET
    )
    workflow.report_assign(actor=ioc, report=submit(), agency=ubnd_dbp)
    assert outbox_relay().retried == 1
    assert outbox_relay(now=later(1)).retried == 1
    assert outbox_relay(now=later(2)).dead == 1
    message = forwarded().get()
    assert (message.state, message.attempts) == ("dead", 3)
    assert "ConnectionRefusedError" in message.last_error
    assert Delivery.objects.get().status == Delivery.Status.PENDING


def test_a_slow_receiver_times_out_and_the_retry_carries_the_same_delivery_id(
    submit, ioc, ubnd_dbp, hook, receiver, settings
):
    settings.FORWARDING_TIMEOUT_SECONDS = 0.3
    receiver.delay = 0.8
    workflow.report_assign(actor=ioc, report=submit(), agency=ubnd_dbp)
    assert outbox_relay().retried == 1
    assert "timed out" in forwarded().get().last_error
    receiver.delay = 0
    assert outbox_relay(now=later()).sent == 1
    # The receiver filed the late first request and the retry under one delivery id.
    receiver.wait_for(2)
    assert len(receiver.delivered) == 1
