"""The intake's decisions without a mailbox: replies written once per kind and sent once, the
category tag, a photo's place outside the province, the poll's lock and its beat entry."""

import json
import os
import subprocess
import sys

import pytest
from django.core import mail as outgoing
from django.core.cache import cache
from django.urls import reverse

from mailin.models import MailReply
from mailin.services.imap import LOCK_KEY, imap_poll
from mailin.services.intake import category_guess, mail_receive, text_coordinates
from mailin.services.replies import reply_enqueue, reply_send
from outbox.models import OutboxMessage
from outbox.services import outbox_relay
from reports.models import ReportDraft
from tests.mailin.conftest import SENDER, citizen_mail, jpeg
from tests.reports.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db
HANOI = (105.8342, 21.0278)


def test_one_reply_per_kind_however_often_it_is_asked_for_and_sent():
    values = {"kind": MailReply.Kind.RECEIPT, "in_reply_to": "<m@example.test>", "to": SENDER}
    first = reply_enqueue(**values)
    assert first is not None and reply_enqueue(**values) is None
    assert OutboxMessage.objects.filter(topic="mailin.reply").count() == 1
    assert reply_send(reply_id=first.pk) is True
    assert reply_send(reply_id=first.pk) is False
    assert len(outgoing.outbox) == 1


def test_the_category_tag_in_the_subject_is_the_only_guess(category):
    CategoryFactory(code="cu", name="Cũ", is_active=False)
    assert category_guess("[ve-sinh-moi-truong] Rác") == category
    assert category_guess("Rác #VE-SINH-MOI-TRUONG") == category
    assert category_guess("[cu] Rác") is None
    assert category_guess("Vệ sinh môi trường kém") is None


def test_a_photo_taken_outside_the_province_leaves_the_place_to_the_ioc(category, settings):
    settings.MAILIN_REPLY_FROM = "phananh@dienbien.gov.vn"
    message = citizen_mail(subject="[ve-sinh-moi-truong] Rác", photos=[("a.jpg", jpeg(gps=HANOI))])
    outcome = mail_receive(raw=message.as_bytes())
    assert outcome.status == "draft" and outcome.draft.point is None
    outbox_relay()
    assert "Vị trí đã gửi nằm ngoài tỉnh Điện Biên" in outgoing.outbox[0].body
    assert ReportDraft.objects.get().state == ReportDraft.State.OPEN


def test_a_poll_while_another_runs_returns_at_once(settings):
    settings.MAILIN_IMAP_HOST = "192.0.2.1"  # never reached: the lock is taken
    cache.add(LOCK_KEY, "another-worker", timeout=60)
    assert imap_poll().skipped_busy


def test_no_mailbox_no_poll_and_no_beat_entry(settings):
    settings.MAILIN_IMAP_HOST = ""
    assert imap_poll().handled == 0
    assert "mailin-imap-poll" not in settings.CELERY_BEAT_SCHEDULE


def test_a_mailbox_set_in_the_environment_is_polled_every_minute():
    env = {
        **os.environ,
        "MAILIN_IMAP_HOST": "imap.example.test",
        "DJANGO_SETTINGS_MODULE": "gis_portal.settings.test",
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CELERY_BEAT_SCHEDULE['mailin-imap-poll']))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    entry = json.loads(out)
    assert entry["task"] == "mailin.tasks.mailin_imap_poll_task" and entry["schedule"] == 60


def test_the_category_tag_leaves_the_title_and_the_category_files_it_at_once(category, ubnd_dbp):
    message = citizen_mail(subject="[ve-sinh-moi-truong] Rác thải #so5", photos=[("a.jpg", jpeg())])
    outcome = mail_receive(raw=message.as_bytes())
    assert outcome.status == "filed"
    assert outcome.report.title == "Rác thải #so5" and outcome.report.category == category


def test_the_admin_lists_the_cursor_and_the_replies_without_an_address(client):
    reply_enqueue(kind=MailReply.Kind.ERROR, in_reply_to="<m@example.test>", to=SENDER)
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:mailin_mailboxcursor_changelist")).status_code == 200
    page = client.get(reverse("admin:mailin_mailreply_changelist"))
    assert page.status_code == 200 and SENDER not in page.content.decode()
    detail = client.get(reverse("admin:mailin_mailreply_change", args=[MailReply.objects.get().pk]))
    assert detail.status_code == 200 and SENDER not in detail.content.decode()


@pytest.mark.parametrize(
    "written",
    [
        "Toạ độ: 21.4156, 103.0578",
        "https://www.google.com/maps/@21.4156,103.0578,17z",
        "https://maps.google.com/?q=21.4156,103.0578",
        "geo:21.4156,103.0578",
    ],
)
def test_a_place_written_in_the_text_locates_the_report(written):
    assert text_coordinates(f"Ổ gà lớn. {written} gần chợ") == (103.0578, 21.4156)


def test_numbers_that_are_not_a_place_are_not_taken_for_one():
    assert text_coordinates("Giá 1.500.000 đồng, ngày 12.05, số 21.4, 103.0") is None
    assert text_coordinates("mã 121.41567, 103.05781") is None


def test_a_mail_with_coordinates_in_its_text_is_filed_without_a_photo(category, ubnd_dbp):
    message = citizen_mail(
        subject="[ve-sinh-moi-truong] Rác", text="Bãi rác ở 21.4156, 103.0578, bốc mùi."
    )
    report = mail_receive(raw=message.as_bytes()).report
    assert report is not None and report.location_source == "pin"
    assert report.commune.code == "03127"
