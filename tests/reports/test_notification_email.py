"""Each notification is e-mailed once, as an outbox message of its own: delivered again (a
relay retried after a crash, two relays) it sends nothing more; a mail server that is down
delays only the e-mails, which the outbox retries; every send of one notification carries the
same Message-ID."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from outbox import services as outbox
from outbox.models import OutboxMessage
from reports.models import Notification
from reports.services import workflow
from reports.services.notifications import NOTIFICATION_EMAIL_TOPIC, notification_message_id
from tests.processes import free_port
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(submit, ioc, officer, ubnd_dbp, django_capture_on_commit_callbacks):
    """Submitted (the IOC hears) and assigned (the reporter and the officer hear); nothing
    relayed yet."""
    with django_capture_on_commit_callbacks(execute=False):
        report = submit()
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    return report


def emails() -> OutboxMessage:
    return OutboxMessage.objects.filter(topic=NOTIFICATION_EMAIL_TOPIC)


def test_each_notification_is_emailed_once_with_its_own_message_id(assigned, reporter):
    outbox.outbox_relay()
    notifications = list(Notification.objects.order_by("pk"))
    assert len(notifications) == 3 and all(n.emailed_at for n in notifications)
    assert emails().count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.user.email for n in notifications)
    ids = {m.to[0]: m.extra_headers["Message-ID"] for m in mail.outbox}
    assert ids == {n.user.email: notification_message_id(n) for n in notifications}
    assert len(set(ids.values())) == 3
    # The reporter's e-mail names the report, never anyone's identity beyond the address.
    mine = next(m for m in mail.outbox if m.to == [reporter.email])
    assert assigned.reference in mine.subject

    # The same messages delivered again, and a second message for one notification: nothing.
    emails().update(state=OutboxMessage.State.PENDING)
    OutboxMessage.objects.create(
        topic=NOTIFICATION_EMAIL_TOPIC, payload={"notification_id": notifications[0].pk}
    )
    assert outbox.outbox_relay().sent == 4
    assert len(mail.outbox) == 3


def test_a_mail_server_that_is_down_delays_only_the_emails(assigned, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    outcome = outbox.outbox_relay()
    assert (outcome.sent, outcome.retried) == (2, 3)  # the two events; their three e-mails
    assert Notification.objects.count() == 3  # in-app notifications stand meanwhile
    assert not Notification.objects.exclude(emailed_at=None).exists()
    assert set(emails().values_list("state", "attempts")) == {("pending", 1)}
    assert "ConnectionRefusedError" in emails().first().last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.outbox_relay(now=timezone.now() + timedelta(seconds=3)).sent == 3
    assert len(mail.outbox) == 3
    assert not Notification.objects.filter(emailed_at=None).exists()


def test_a_recipient_without_an_address_gets_no_email_message(
    submit, ubnd_dbp, django_capture_on_commit_callbacks
):
    ioc = UserFactory(username="ioc-no-mail", role="ioc_operator", email="")
    with django_capture_on_commit_callbacks(execute=False):
        submit()
    outbox.outbox_relay()
    assert Notification.objects.filter(user=ioc).count() == 1
    assert not emails().exists() and mail.outbox == []
