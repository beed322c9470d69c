"""A Zalo conversation becomes a report: text, location, photo, "xong" → a draft the IOC
completes → a report of channel zalo with the photo; the citizen hears its reference, then
its result, through the OA API (the local stub), each message once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from outbox.models import OutboxMessage
from reports.models import Report, ReportDraft
from reports.services.drafts import draft_discard, draft_file
from reports.services.workflow import report_assign, report_start, result_publish, result_submit
from tests.reports.conftest import DBP
from tests.zalo._zalo_stub import photo_jpeg
from tests.zalo.conftest import USER, payload, relay
from zalo.models import Conversation, InboundEvent, Reply
from zalo.services import conversation_draft, conversations_idle_close

pytestmark = pytest.mark.django_db
OTHER_USER = "8844112233445566"


def _converse(zalo_post, zalo_stub, *, user=USER, tag="a", photo_url=None):
    url = photo_url or zalo_stub.serve(f"/jpg/{tag}.jpg", photo_jpeg())
    for body in (
        payload("user_send_text", user=user, msg_id=f"{tag}-1"),
        payload("user_send_location", user=user, msg_id=f"{tag}-2"),
        payload("user_send_image", user=user, msg_id=f"{tag}-3", url=url),
        payload("user_send_text", user=user, msg_id=f"{tag}-4", text="Xong"),
    ):
        assert zalo_post(body).status_code == 200


def test_a_full_conversation_is_filed_as_a_zalo_report_with_its_photo(
    zalo_post, zalo_stub, category, ioc, ubnd_dbp
):
    zalo_stub.display_names[USER] = "Lò Văn Zalo"
    _converse(zalo_post, zalo_stub)
    assert Conversation.objects.get().state == Conversation.State.FINISHED
    relay()

    texts = zalo_stub.texts_to(USER)
    assert len(texts) == 4
    assert "Gửi vị trí (Location)" in texts[0] and "'xong'" in texts[0]
    assert "Đã nhận vị trí" in texts[1] and "Đã nhận 1 ảnh" in texts[2]
    assert "Trung tâm IOC" in texts[3]
    # The photo came from the CDN in the outbox consumer, never in a webhook request.
    draft = ReportDraft.objects.get()
    assert draft.channel == Report.Channel.ZALO and draft.state == ReportDraft.State.OPEN
    assert draft.sender == USER and draft.full_name == "Lò Văn Zalo"
    assert draft.description.startswith("Cống thoát nước") and draft.media.count() == 1
    assert (round(draft.point.x, 4), round(draft.point.y, 4)) == DBP
    conversation = Conversation.objects.get()
    assert conversation.state == Conversation.State.DRAFTED and conversation.draft == draft
    assert conversation.texts == [] and conversation.images == []

    # No category from a chat: the IOC completes the draft, and it is filed.
    filed = draft_file(draft=draft, actor=ioc, category=category)
    report = filed.report
    assert report.channel == Report.Channel.ZALO and report.media.count() == 1
    relay()
    reference_message = zalo_stub.texts_to(USER)[-1]
    assert report.reference in reference_message and "đã được tiếp nhận" in reference_message
    assert f"/phan-anh/{report.reference}/" in reference_message
    assert len(zalo_stub.messages) == 5

    # Delivered again, nothing is sent again.
    relay(later=True)
    assert len(zalo_stub.messages) == 5


def test_a_published_result_reaches_its_own_reporter_and_nobody_else(
    zalo_post, zalo_stub, category, ioc, officer, ubnd_dbp
):
    _converse(zalo_post, zalo_stub, tag="a")
    _converse(zalo_post, zalo_stub, user=OTHER_USER, tag="b")
    relay()
    mine, theirs = (
        ReportDraft.objects.get(sender=USER),
        ReportDraft.objects.get(sender=OTHER_USER),
    )
    mine = draft_file(draft=mine, actor=ioc, category=category).report
    theirs = draft_file(draft=theirs, actor=ioc, category=category).report
    relay()
    report_assign(actor=ioc, report=mine, agency=ubnd_dbp)
    report_start(actor=officer, report=mine)
    result_submit(actor=officer, report=mine, text="Đã thông cống, nước đã rút.")
    result_publish(actor=ioc, report=mine)
    relay()

    to_me = zalo_stub.texts_to(USER)
    to_them = zalo_stub.texts_to(OTHER_USER)
    assert any("Đã thông cống" in text and mine.reference in text for text in to_me)
    assert not any(mine.reference in text for text in to_them)
    assert any(theirs.reference in text for text in to_them)
    assert not any(theirs.reference in text for text in to_me)


def test_an_api_failure_is_retried_and_the_citizen_gets_exactly_one_message(zalo_post, zalo_stub):
    zalo_stub.message_answers = [500]
    zalo_post(payload("user_send_text"))
    relay()
    message = OutboxMessage.objects.get(topic="zalo.reply")
    assert message.state == OutboxMessage.State.PENDING and message.attempts == 1
    assert "HTTP 500" in message.last_error and zalo_stub.messages == []

    relay(later=True)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.SENT
    reply = Reply.objects.get()
    assert len(zalo_stub.messages) == 1 and reply.sent_at is not None
    # What was said is not kept once said.
    assert reply.text == "" and reply.zalo_message_id == "zmsg1"
    assert [c.path for c in zalo_stub.calls] == ["/v3.0/oa/message/cs"] * 2


def test_a_zalo_error_code_is_a_failure_and_ends_in_the_dead_letters(
    zalo_post, zalo_stub, settings
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    zalo_stub.message_answers = [{"error": -201, "message": "Invalid access token"}] * 2
    zalo_post(payload("user_send_text"))
    relay()
    relay(later=True)
    message = OutboxMessage.objects.get(topic="zalo.reply")
    assert message.state == OutboxMessage.State.DEAD and "error -201" in message.last_error
    assert zalo_stub.messages == [] and Reply.objects.get().sent_at is None


def test_a_photo_address_outside_zalo_cdn_is_never_fetched(zalo_post, zalo_stub, settings):
    internal = "http://169.254.169.254/latest/meta-data/"
    zalo_post(payload("user_send_text"))
    zalo_post(payload("user_send_location"))
    zalo_post(payload("user_send_image", url=internal))
    zalo_post(payload("user_send_image", msg_id="m-https", url="https://intranet.local/a.jpg"))
    assert Conversation.objects.get().images == []

    # Even an address that got in before a host was removed from the list is refused.
    good = zalo_stub.serve("/jpg/ok.jpg", photo_jpeg())
    zalo_post(payload("user_send_image", msg_id="m-ok", url=good))
    assert len(Conversation.objects.get().images) == 1
    settings.ZALO_MEDIA_HOSTS = ["zdn.vn"]
    zalo_post(payload("user_send_text", msg_id="m-done", text="xong"))
    relay()
    draft = ReportDraft.objects.get()
    assert draft.media.count() == 0
    assert not any(c.path.startswith("/jpg/") for c in zalo_stub.calls)


def test_a_redirect_from_the_cdn_is_not_followed(zalo_post, zalo_stub):
    secret_place = zalo_stub.serve("/internal/secret.jpg", photo_jpeg())
    moved = zalo_stub.serve("/jpg/moved.jpg", b"", status=302, headers={"Location": secret_place})
    _converse(zalo_post, zalo_stub, photo_url=moved)
    relay()
    assert ReportDraft.objects.get().media.count() == 0
    assert not any(c.path == "/internal/secret.jpg" for c in zalo_stub.calls)


def test_something_that_is_not_a_photo_is_left_out_and_the_report_kept(zalo_post, zalo_stub):
    page = zalo_stub.serve("/jpg/page.jpg", b"<html>not a photo</html>")
    _converse(zalo_post, zalo_stub, photo_url=page)
    relay()
    draft = ReportDraft.objects.get()
    assert draft.media.count() == 0 and draft.description.startswith("Cống thoát nước")


def test_a_cdn_outage_is_retried_without_losing_the_conversation(zalo_post, zalo_stub):
    broken = zalo_stub.serve("/jpg/later.jpg", b"", status=503)
    _converse(zalo_post, zalo_stub, photo_url=broken)
    relay()
    assert not ReportDraft.objects.exists()
    assert Conversation.objects.get().state == Conversation.State.FINISHED
    zalo_stub.serve("/jpg/later.jpg", photo_jpeg())
    relay(later=True)
    assert ReportDraft.objects.get().media.count() == 1
    # Redelivered, the draft message makes no second draft.
    conversation_draft(conversation_id=Conversation.objects.get().pk)
    assert ReportDraft.objects.count() == 1


def test_too_many_photos_are_refused_politely(zalo_post, zalo_stub, settings):
    settings.ZALO_MEDIA_MAX_IMAGES = 1
    zalo_post(payload("user_send_text"))
    for index in range(2):
        url = zalo_stub.serve(f"/jpg/{index}.jpg", photo_jpeg())
        zalo_post(payload("user_send_image", msg_id=f"img-{index}", url=url))
    assert len(Conversation.objects.get().images) == 1
    assert "Đã đủ 1 ảnh" in Reply.objects.order_by("-pk").first().text


def test_a_photo_sent_as_a_file_counts_as_a_photo(zalo_post, zalo_stub):
    zalo_post(payload("user_send_text"))
    url = zalo_stub.serve("/file/IMG_2041.JPG", photo_jpeg())
    zalo_post(payload("user_send_file", url=url))
    assert Conversation.objects.get().images[0]["url"] == url


def test_a_file_that_is_not_a_photo_is_not_taken(zalo_post, zalo_stub):
    zalo_post(payload("user_send_text"))
    body = payload("user_send_file", url=zalo_stub.serve("/file/don.pdf", b"%PDF-1.4"))
    body["message"]["attachments"][0]["payload"]["name"] = "don-khieu-nai.pdf"
    zalo_post(body)
    assert Conversation.objects.get().images == []
    assert "Hãy gửi ảnh chụp" in Reply.objects.order_by("-pk").first().text


def test_xong_before_any_text_asks_for_the_description(zalo_post, zalo_stub):
    zalo_post(payload("user_send_text", text="xong"))
    conversation = Conversation.objects.get()
    assert conversation.state == Conversation.State.COLLECTING
    assert "mô tả sự việc" in Reply.objects.get().text


def test_xong_without_a_place_asks_for_it_once(zalo_post, zalo_stub):
    zalo_post(payload("user_send_text"))
    zalo_post(payload("user_send_text", msg_id="x-1", text="xong"))
    assert Conversation.objects.get().state == Conversation.State.COLLECTING
    assert "Bạn chưa gửi vị trí" in Reply.objects.order_by("-pk").first().text
    zalo_post(payload("user_send_text", msg_id="x-2", text="Xong!"))
    assert Conversation.objects.get().state == Conversation.State.FINISHED
    relay()
    draft = ReportDraft.objects.get()
    assert draft.point is None and draft.state == ReportDraft.State.OPEN


def test_a_next_message_after_xong_starts_a_new_conversation(zalo_post, zalo_stub):
    _converse(zalo_post, zalo_stub)
    zalo_post(payload("user_send_text", msg_id="new-1", text="Thêm một việc khác"))
    assert Conversation.objects.filter(state=Conversation.State.COLLECTING).count() == 1
    assert Conversation.objects.count() == 2


def test_an_idle_conversation_is_sent_on_and_an_empty_one_dropped(zalo_post, zalo_stub):
    zalo_post(payload("user_send_text"))
    zalo_post(payload("user_send_location", user=OTHER_USER, msg_id="loc-only"))
    long_ago = timezone.now() - timedelta(hours=2)
    Conversation.objects.update(last_message_at=long_ago)

    assert conversations_idle_close() == {"finished": 1, "abandoned": 1}
    with_text = Conversation.objects.get(zalo_user_id=USER)
    empty = Conversation.objects.get(zalo_user_id=OTHER_USER)
    assert with_text.state == Conversation.State.FINISHED
    assert empty.state == Conversation.State.ABANDONED and empty.lon is None
    relay()
    assert ReportDraft.objects.get().sender == USER
    assert conversations_idle_close() == {"finished": 0, "abandoned": 0}
    # Message ids are kept as long as an event could still be replayed, then forgotten.
    assert InboundEvent.objects.count() == 2
    InboundEvent.objects.update(received_at=long_ago)
    conversations_idle_close()
    assert not InboundEvent.objects.exists()


def test_a_conversation_the_ioc_discards_is_told_why_once(zalo_post, zalo_stub, ioc, ubnd_dbp):
    _converse(zalo_post, zalo_stub)
    relay()
    sent = len(zalo_stub.messages)
    draft_discard(draft=ReportDraft.objects.get(), actor=ioc, reason="Nội dung là tố cáo.")
    relay()
    relay(later=True)
    assert len(zalo_stub.messages) == sent + 1
    assert "Nội dung là tố cáo." in zalo_stub.texts_to(USER)[-1]
