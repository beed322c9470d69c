"""A new public comment reaches the reporter and the followers, never its author and never
for an internal note; once each, however often its outbox message is delivered."""

import pytest
from django.core import mail

from outbox import services as outbox
from outbox.models import OutboxMessage
from reports.models import Follow, Notification
from reports.services import citizen
from reports.services.comment_notify import COMMENT_NOTIFY_TOPIC
from tests.reports.conftest import Status
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(make_report):
    return UserFactory(username="nguoitheodoi", email="theodoi@example.test")


def test_a_handlers_comment_reaches_the_reporter_and_followers_once(
    make_report, officer, reporter, follower
):
    report = make_report(Status.IN_PROGRESS)
    Follow.objects.create(report=report, user=follower)
    outbox.outbox_relay()
    Notification.objects.all().delete()
    mail.outbox.clear()

    comment = citizen.comment_add(actor=officer, report=report, body="Chiều nay đội đến kiểm tra.")
    outbox.outbox_relay()
    notified = Notification.objects.filter(comment=comment)
    assert sorted(n.user.username for n in notified) == ["nguoidan", "nguoitheodoi"]
    assert all(report.reference in n.title and "Chiều nay" in n.body for n in notified)
    assert sorted(m.to[0] for m in mail.outbox) == [reporter.email, follower.email]

    # Delivered again: nobody hears twice.
    OutboxMessage.objects.filter(topic=COMMENT_NOTIFY_TOPIC).update(
        state=OutboxMessage.State.PENDING
    )
    outbox.outbox_relay()
    assert Notification.objects.filter(comment=comment).count() == 2
    assert len(mail.outbox) == 2


def test_an_internal_note_and_the_authors_own_comment_notify_nobody(make_report, officer, reporter):
    report = make_report(Status.IN_PROGRESS)
    outbox.outbox_relay()
    note = citizen.comment_add(actor=officer, report=report, body="Nội bộ", internal=True)
    own = citizen.comment_add(actor=reporter, report=report, body="Cảm ơn cán bộ.")
    outbox.outbox_relay()
    assert not Notification.objects.filter(comment__in=[note, own]).exists()


def test_a_reader_who_chose_english_hears_in_english(make_report, officer, reporter):
    reporter.language = "en"
    reporter.save(update_fields=["language"])
    report = make_report(Status.IN_PROGRESS)
    citizen.comment_add(actor=officer, report=report, body="OK")
    outbox.outbox_relay()
    notification = Notification.objects.get(comment__isnull=False)
    assert notification.title == f"Report {report.reference}: new message"
