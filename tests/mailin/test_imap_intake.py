"""E-mail intake end to end: mail delivered into a real dovecot mailbox, read by the poll over
IMAP, filed through the channel drafts, and answered through the outbox on a real SMTP server."""

import io
import logging

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from mailin.models import MailboxCursor, MailReply
from mailin.services import imap
from mailin.services.imap import MailboxError, imap_poll
from mailin.services.intake import mail_receive
from outbox.services import outbox_relay
from reports.models import Report, ReportDraft
from reports.services.drafts import draft_discard, draft_file
from tests.mailin._servers import Dovecot
from tests.mailin.conftest import DBP, OUR_ADDRESS, SENDER, citizen_mail, jpeg

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_mail_with_a_gps_photo_in_dien_bien_becomes_a_report_and_its_sender_the_reference(
    mailbox, smtp_sink, category, ubnd_dbp, caplog
):
    caplog.set_level(logging.INFO)
    mail = citizen_mail(
        subject="[ve-sinh-moi-truong] Rác thải đổ ven suối",
        photos=[("IMG_0001.JPG", jpeg(gps=DBP))],
    )
    mailbox.deliver(mail)

    outcome = imap_poll()
    assert (outcome.handled, outcome.filed) == (1, 1)
    report = Report.objects.get()
    assert report.channel == Report.Channel.EMAIL
    assert report.location_source == Report.LocationSource.EXIF
    assert report.commune.code == "03127" and report.category == category
    assert report.identity.full_name == "Lò Văn Dân" and report.identity.email == SENDER
    # The photo became the report's, cleaned: no camera, no GPS left in it.
    media = report.media.get()
    with default_storage.open(media.file.name) as stored:
        assert not dict(Image.open(io.BytesIO(stored.read())).getexif())
    assert mailbox.unseen() == 0

    outbox_relay()
    outbox_relay()  # delivered again: still one answer
    (reply,) = smtp_sink.replies(mail["Message-ID"])
    assert reply["X-Envelope-To"] == SENDER and reply["From"] == OUR_ADDRESS
    assert report.reference in reply["Subject"] and report.reference in _body(reply)
    assert f"https://phananh.dienbien.gov.vn/phan-anh/{report.reference}/" in _body(reply)
    assert mail["Message-ID"] in reply["References"]
    # The address was needed until the reply left, and not after.
    assert MailReply.objects.get().to == ""
    # Nothing logged names the sender (the log filter would mask it; it is not even written).
    assert not [r for r in caplog.records if SENDER in r.getMessage()]


def test_a_mail_without_a_place_waits_for_the_ioc_then_its_sender_gets_the_reference(
    mailbox, smtp_sink, category, ubnd_dbp, ioc
):
    mail = citizen_mail(photos=[("khong-gps.jpg", jpeg(gps=None))])
    mailbox.deliver(mail)

    assert imap_poll().drafts == 1
    draft = ReportDraft.objects.get()
    assert draft.state == ReportDraft.State.OPEN and draft.point is None
    assert draft.media.count() == 1 and draft.sender == SENDER
    outbox_relay()
    (receipt,) = smtp_sink.replies(mail["Message-ID"])
    assert "Đã nhận phản ánh của bạn" in _body(receipt)
    assert receipt["In-Reply-To"] == mail["Message-ID"]

    # The IOC completes it; the SUBMIT event, once delivered, answers with the reference.
    filed = draft_file(draft=draft, actor=ioc, category=category, lon=DBP[0], lat=DBP[1])
    outbox_relay()
    replies = smtp_sink.replies(mail["Message-ID"])
    assert len(replies) == 2
    assert filed.report.reference in _body(replies[1])


def test_the_same_mail_delivered_twice_is_one_draft_and_one_answer(mailbox, smtp_sink):
    mail = citizen_mail()
    mailbox.deliver(mail)
    mailbox.deliver(mail)  # a provider's redelivery: a second copy, another UID
    assert imap_poll().handled == 2
    assert ReportDraft.objects.count() == 1
    outbox_relay()
    assert len(smtp_sink.replies()) == 1


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        (f"Lò Văn Dân <{SENDER}>", {"Auto-Submitted": "auto-replied"}),
        (f"Lò Văn Dân <{SENDER}>", {"Precedence": "bulk"}),
        (f"Lò Văn Dân <{SENDER}>", {"X-Autoreply": "yes"}),
        ("Mail Delivery System <MAILER-DAEMON@example.test>", {}),
        (f"Cổng phản ánh <{OUR_ADDRESS}>", {}),
    ],
    ids=["auto-submitted", "precedence-bulk", "x-autoreply", "bounce", "our-own-address"],
)
def test_mail_no_person_wrote_is_neither_filed_nor_answered(mailbox, smtp_sink, sender, headers):
    mailbox.deliver(citizen_mail(sender=sender, headers=headers))
    outcome = imap_poll()
    assert (outcome.handled, outcome.ignored) == (1, 1)
    assert not ReportDraft.objects.exists() and not MailReply.objects.exists()
    assert outbox_relay().sent == 0
    assert mailbox.unseen() == 0  # handled: not read again


def test_a_mail_without_text_is_answered_with_what_to_add(mailbox, smtp_sink):
    mail = citizen_mail(subject="", text=None, photos=[("anh.jpg", jpeg())])
    mailbox.deliver(mail)
    assert imap_poll().refused == 1
    assert not ReportDraft.objects.exists()
    outbox_relay()
    (reply,) = smtp_sink.replies(mail["Message-ID"])
    assert "Nội dung phản ánh: hãy mô tả sự việc" in _body(reply)
    assert reply["Auto-Submitted"] == "auto-replied"


def test_a_broken_photo_is_skipped_with_a_note_and_the_rest_kept(mailbox, smtp_sink):
    mail = citizen_mail(
        html="<p>Cống <b>tắc</b> trước chợ</p><script>alert(1)</script>",
        text=None,
        photos=[("hong.jpg", b"\xff\xd8\xff\xe0 not really a jpeg"), ("tot.jpg", jpeg())],
    )
    mailbox.deliver(mail)
    imap_poll()
    draft = ReportDraft.objects.get()
    assert draft.media.count() == 1
    assert draft.description == "Cống tắc trước chợ"
    outbox_relay()
    (reply,) = smtp_sink.replies(mail["Message-ID"])
    assert "Ảnh “hong.jpg” bị bỏ qua" in _body(reply)


def test_an_oversized_mail_is_not_downloaded_and_its_sender_told_the_limit(
    mailbox, smtp_sink, settings
):
    settings.MAILIN_MAX_MESSAGE_BYTES = 2000
    mail = citizen_mail(photos=[("lon.jpg", jpeg(size=(400, 300)))])
    mailbox.deliver(mail)
    assert imap_poll().refused == 1
    assert not ReportDraft.objects.exists()
    outbox_relay()
    (reply,) = smtp_sink.replies(mail["Message-ID"])
    assert "Thư quá lớn" in _body(reply)


def test_the_poll_carries_on_after_the_last_mail_it_handled(mailbox):
    mailbox.deliver(citizen_mail())
    assert imap_poll().handled == 1
    first_uid = MailboxCursor.objects.get().last_uid
    assert imap_poll().handled == 0
    # Marked unread again by a person: the cursor, not the flag, says it was handled.
    connection = mailbox.client()
    connection.store("1:*", "-FLAGS", "(\\Seen)")
    connection.logout()
    mailbox.deliver(citizen_mail(subject="Đèn đường hỏng"))
    assert imap_poll().handled == 1
    assert ReportDraft.objects.count() == 2
    assert MailboxCursor.objects.get().last_uid == first_uid + 1


def test_a_refused_login_is_an_error_that_names_no_credential(mailbox, settings):
    # A server of its own: dovecot slows every login from an address after a failed one.
    server = Dovecot()
    server.start()
    try:
        settings.MAILIN_IMAP_PORT = server.port
        settings.MAILIN_IMAP_PASSWORD = "sai-mat-khau"
        with pytest.raises(MailboxError) as raised:
            imap_poll()
    finally:
        server.stop()
    assert "sai-mat-khau" not in str(raised.value)


def test_the_poll_command_reads_the_mailbox_once(mailbox):
    mailbox.deliver(citizen_mail())
    out = io.StringIO()
    call_command("mailin_poll", stdout=out)
    assert "1 mail(s): 0 filed, 1 draft(s)" in out.getvalue()


def test_a_mail_that_keeps_failing_is_skipped_after_three_polls_and_left_unread(
    mailbox, monkeypatch
):
    broken = citizen_mail(subject="Thư làm hỏng chương trình")

    def receive(*, raw, size=None):
        if broken["Message-ID"].encode() in raw:
            raise RuntimeError("a bug")
        return mail_receive(raw=raw, size=size)

    monkeypatch.setattr(imap, "mail_receive", receive)
    mailbox.deliver(broken)
    mailbox.deliver(citizen_mail())
    # Tried again (perhaps a passing fault), the mail behind it waiting its turn …
    assert imap_poll().handled == 0 and imap_poll().handled == 0
    # … then skipped, so it blocks nothing.
    assert imap_poll().handled == 1
    assert ReportDraft.objects.count() == 1
    assert mailbox.unseen() == 1


def test_a_mail_the_ioc_discards_is_answered_once_with_the_reason(
    mailbox, smtp_sink, category, ubnd_dbp, ioc
):
    mail = citizen_mail()
    mailbox.deliver(mail)
    imap_poll()
    outbox_relay()
    draft = ReportDraft.objects.get()
    draft_discard(draft=draft, actor=ioc, reason="Đây là đơn khiếu nại, xin gửi Ban Tiếp công dân.")
    outbox_relay()
    outbox_relay()
    replies = smtp_sink.replies(mail["Message-ID"])
    discarded = [r for r in replies if "Ban Tiếp công dân" in _body(r)]
    assert len(discarded) == 1 and "không tiếp nhận" in _body(discarded[0])
