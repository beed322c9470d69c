"""The outbox: a change and its notifications commit together; the relay delivers each message
once, retries a failing one with backoff and dead-letters it after N attempts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxMessage
from reports.models import Notification
from reports.services import workflow
from reports.services.common import TRANSITION_NOTIFY_TOPIC
from reports.services.notifications import NOTIFICATION_EMAIL_TOPIC

pytestmark = pytest.mark.django_db


def test_a_change_writes_its_notifications_to_the_outbox(
    submit, ioc, ubnd_dbp, django_capture_on_commit_callbacks
):
    # The after-commit kick is held back: nothing runs but what the relay runs.
    with django_capture_on_commit_callbacks(execute=False) as kicks:
        report = submit()
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    assert kicks.count(outbox.outbox_kick) == 2
    messages = list(OutboxMessage.objects.order_by("id"))
    assert [m.topic for m in messages] == [TRANSITION_NOTIFY_TOPIC] * 2
    assert not Notification.objects.exists()
    # The two events, then in the same round the e-mail each of their notifications wrote.
    assert outbox.outbox_relay().sent == 4
    assert Notification.objects.filter(user=ioc, report=report).exists()
    assert Notification.objects.filter(emailed_at=None).count() == 0
    assert len(mail.outbox) == Notification.objects.count() == 2
    assert outbox.outbox_relay().sent == 0  # delivered once
    topics = OutboxMessage.objects.values_list("topic", flat=True)
    assert sorted(topics) == [NOTIFICATION_EMAIL_TOPIC] * 2 + [TRANSITION_NOTIFY_TOPIC] * 2
    assert set(OutboxMessage.objects.values_list("state", "attempts")) == {("sent", 1)}


def test_a_failing_consumer_backs_off_then_is_dead_lettered(monkeypatch, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    calls = []

    def broken(payload):
        calls.append(payload)
        raise ConnectionError("SMTP down")

    monkeypatch.setitem(outbox.CONSUMERS, "test.broken", broken)
    message = OutboxMessage.objects.create(topic="test.broken", payload={"n": 1})
    now = timezone.now()
    assert outbox.outbox_relay(now=now).retried == 1
    message.refresh_from_db()
    assert message.available_at >= now + timedelta(seconds=2)  # backoff 2 s, then 4 s
    assert outbox.outbox_relay(now=now).retried == 0  # not due yet
    assert outbox.outbox_relay(now=now + timedelta(seconds=3)).retried == 1
    assert outbox.outbox_relay(now=now + timedelta(seconds=60)).dead == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("dead", 3)
    assert "SMTP down" in message.last_error
    assert len(calls) == 3
    assert outbox.outbox_retry(message_ids=[message.pk]) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 0)


def test_the_command_relays_once_and_dry_run_sends_nothing(capsys, monkeypatch):
    delivered = []
    monkeypatch.setitem(outbox.CONSUMERS, "test.ok", delivered.append)
    OutboxMessage.objects.create(topic="test.ok", payload={"n": 1})
    call_command("outbox_relay", "--dry-run")
    assert delivered == [] and "[dry-run] 1" in capsys.readouterr().out
    call_command("outbox_relay")
    call_command("outbox_relay")
    assert delivered == [{"n": 1}]


def test_dead_letters_are_visible_and_retried_from_the_admin(client, ioc, stranger):
    message = OutboxMessage.objects.create(
        topic="transition.notify", payload={"transition_id": 0}, state="dead", attempts=8,
        last_error="ConnectionError: SMTP down",
    )  # fmt: skip
    ioc.is_staff = True
    ioc.save()
    ioc.user_permissions.add(Permission.objects.get(codename="view_outboxmessage"))
    client.force_login(ioc)
    url = reverse("admin:outbox_outboxmessage_changelist")
    page = client.get(url, {"state__exact": "dead"})
    assert page.status_code == 200 and str(message.pk) in page.content.decode()
    client.post(url, {"action": "retry", "_selected_action": [message.pk]})
    message.refresh_from_db()
    assert message.state == "pending"
    stranger.is_staff = True
    stranger.save()
    client.force_login(stranger)
    assert client.get(url).status_code == 403
