"""Answers to the senders of e-mailed reports, through the outbox: a reply row is written in
the receiving transaction (or in the one that delivers the report's SUBMIT event), and the
outbox consumer sends it once. Never any SMTP while a mail is being received."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mailin.models import MailReply
from outbox.services import outbox_enqueue
from reports.models import Report, ReportDraft, Transition
from reports.services.contact import in_portal_language
from reports.services.mail import mail_send, message_id, report_link

logger = logging.getLogger(__name__)
Kind = MailReply.Kind
MAIL_REPLY_TOPIC = "mailin.reply"
SUBJECT_MAX = 200


def reply_from() -> str:
    return settings.MAILIN_REPLY_FROM or settings.DEFAULT_FROM_EMAIL


def reply_enqueue(
    *,
    kind: str,
    in_reply_to: str,
    to: str,
    subject: str = "",
    references: str = "",
    draft: ReportDraft | None = None,
    notes: list[str] | None = None,
) -> MailReply | None:
    """One reply of this kind to this mail: a second call (the mail delivered again, the event
    delivered twice) finds the first and enqueues nothing. Returns the new reply, or None."""
    if not to or not in_reply_to:
        return None
    try:
        with transaction.atomic():
            reply, created = MailReply.objects.get_or_create(
                in_reply_to=in_reply_to,
                kind=kind,
                defaults={
                    "to": to[:255],
                    "subject": subject[:255],
                    "references": references,
                    "draft": draft,
                    "notes": list(notes or []),
                },
            )
            if created:
                outbox_enqueue(topic=MAIL_REPLY_TOPIC, payload={"reply_id": reply.pk})
    except IntegrityError:  # the same reply written at this moment by another worker
        return None
    return reply if created else None


def report_filed_reply(*, transition: Transition, **kwargs) -> None:
    """reports.signals.transition_delivered: a report that began as an e-mail was filed (at
    once, or later by the IOC who completed its draft) — its sender gets the reference."""
    report = transition.report
    if transition.action != Transition.Action.SUBMIT or report.channel != Report.Channel.EMAIL:
        return
    draft = ReportDraft.objects.filter(report=report, channel=Report.Channel.EMAIL).first()
    if draft is None or not draft.sender or not draft.external_id:
        return
    reply_enqueue(
        kind=Kind.FILED,
        in_reply_to=draft.external_id,
        to=draft.sender,
        subject=draft.title,
        draft=draft,
    )


def draft_discarded_reply(*, draft: ReportDraft, **kwargs) -> None:
    """reports.signals.draft_discarded: the IOC found the mail was not a field report (a
    complaint, legal advice…) — its sender is told why, once."""
    if draft.channel != Report.Channel.EMAIL or not draft.sender or not draft.external_id:
        return
    reply_enqueue(
        kind=Kind.DISCARDED,
        in_reply_to=draft.external_id,
        to=draft.sender,
        subject=draft.title,
        draft=draft,
        notes=[draft.discard_reason],
    )


def _subject(reply: MailReply, report: Report | None) -> str:
    original = " ".join(reply.subject.split()) or _("Phản ánh của bạn")
    if not original.lower().startswith("re:"):
        original = f"Re: {original}"
    if report is not None:
        original = f"[{report.reference}] {original}"
    return original[:SUBJECT_MAX]


def _body(reply: MailReply, report: Report | None) -> str:
    if reply.kind == Kind.FILED and report is not None:
        lines = [
            _("Đã nhận phản ánh của bạn. Mã phản ánh: %(reference)s")
            % {"reference": report.reference},
            _("Phản ánh sẽ được xác minh và chuyển đến cơ quan có thẩm quyền xử lý."),
            _("Theo dõi tiến độ xử lý: %(link)s") % {"link": report_link(report)},
        ]
    elif reply.kind == Kind.RECEIPT:
        lines = [
            _("Đã nhận phản ánh của bạn. Cán bộ Trung tâm IOC sẽ bổ sung vị trí hoặc lĩnh vực"),
            _("rồi chuyển phản ánh đến cơ quan xử lý; bạn sẽ nhận được mã phản ánh qua thư này."),
            _(
                "Lần sau, hãy đính kèm ảnh chụp tại chỗ có bật định vị (GPS) để phản ánh được "
                "chuyển đi ngay."
            ),
        ]
    elif reply.kind == Kind.DISCARDED:
        lines = [_("Trung tâm IOC không tiếp nhận thư này là một phản ánh hiện trường.")]
    else:
        lines = [_("Chưa thể tiếp nhận phản ánh của bạn qua thư này.")]
    notes = [str(note) for note in reply.notes]
    if notes:
        lines.append("")
        heading = {Kind.ERROR: _("Cần bổ sung:"), Kind.DISCARDED: _("Lý do:")}
        lines.append(heading.get(reply.kind, _("Lưu ý:")))
        lines.extend(f"- {note}" for note in notes)
    if reply.kind == Kind.ERROR:
        lines.append("")
        lines.append(_("Hãy gửi lại thư với đầy đủ thông tin trên."))
    lines.append("")
    lines.append(_("Thư trả lời tự động từ Cổng tiếp nhận phản ánh hiện trường tỉnh Điện Biên."))
    return "\n".join(lines)


@in_portal_language
def reply_build(reply: MailReply) -> EmailMessage:
    report = None
    if reply.kind == Kind.FILED and reply.draft_id:
        report = Report.objects.filter(draft__pk=reply.draft_id).first()
    references = " ".join(part for part in (reply.references, reply.in_reply_to) if part)
    return EmailMessage(
        _subject(reply, report),
        _body(reply, report),
        reply_from(),
        [reply.to],
        headers={
            "Message-ID": message_id(f"mailin-{reply.kind}", reply.pk, reply.created_at),
            "In-Reply-To": reply.in_reply_to,
            "References": references,
            # RFC 3834: an answer of a machine; well-behaved auto-responders do not answer it.
            "Auto-Submitted": "auto-replied",
        },
    )


def reply_send(*, reply_id: int) -> bool:
    """The outbox consumer: send one reply at most once. The row is locked, marked sent and its
    address emptied in the relay's transaction; the SMTP send is the last step before commit,
    so a failure rolls the mark back and the outbox retries."""
    with transaction.atomic():
        reply = MailReply.objects.select_for_update().filter(pk=reply_id).first()
        if reply is None or reply.sent_at is not None or not reply.to:
            return False
        message = reply_build(reply)
        reply.sent_at = timezone.now()
        reply.to = ""
        reply.save(update_fields=["sent_at", "to"])
        mail_send(message)
    logger.info("Mail reply %s (%s) sent", reply.pk, reply.kind)
    return True
