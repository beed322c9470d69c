from django.db import models
from django.utils.translation import gettext_lazy as _


class MailboxCursor(models.Model):
    """How far the portal has read one IMAP folder: the highest UID handled under the folder's
    UIDVALIDITY. A new UIDVALIDITY (the folder was rebuilt) starts again from its unread mail."""

    mailbox = models.CharField(max_length=255, unique=True)
    uidvalidity = models.BigIntegerField()
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hộp thư đã đọc")
        verbose_name_plural = _("hộp thư đã đọc")

    def __str__(self) -> str:
        return f"{self.mailbox} (UID {self.last_uid})"


class MailReply(models.Model):
    """One answer to one incoming e-mail, of one kind: at most one each, however often the mail
    or the event that answers it is delivered. The address is kept only until it is sent."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Đã nhận, chờ bổ sung")
        FILED = "filed", _("Đã thành phản ánh")
        ERROR = "error", _("Cần gửi lại")
        DISCARDED = "discarded", _("Không tiếp nhận")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The Message-ID of the mail answered (ReportDraft.external_id when it made a draft).
    in_reply_to = models.CharField(max_length=255)
    references = models.TextField(blank=True)
    subject = models.CharField(max_length=255, blank=True)
    # Confidential, as the draft's sender: emptied once the reply is sent.
    to = models.CharField(max_length=255, blank=True)
    draft = models.ForeignKey(
        "reports.ReportDraft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the sender should know or fix (an attachment skipped, the text missing…).
    notes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thư trả lời tự động")
        verbose_name_plural = _("thư trả lời tự động")
        constraints = [
            models.UniqueConstraint(
                fields=["in_reply_to", "kind"], name="mailin_one_reply_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
