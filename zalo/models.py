import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """What one Zalo user told the OA about one problem, collected message by message until
    they send "xong" (or fall silent), then sent on as a report draft. Its content is the
    reporter's, as confidential as a draft's; it is emptied once the draft holds it."""

    class State(models.TextChoices):
        COLLECTING = "collecting", _("Đang nhận tin")
        FINISHED = "finished", _("Đã xong, chờ tạo phản ánh")
        DRAFTED = "drafted", _("Đã thành phản ánh chờ")
        ABANDONED = "abandoned", _("Bỏ dở")

    # The draft's external id: a redelivered outbox message finds the draft already made.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    zalo_user_id = models.CharField(max_length=64, db_index=True)
    display_name = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.COLLECTING)
    texts = models.JSONField(default=list, blank=True)
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    # [{"msg_id": …, "url": …}], CDN addresses checked against ZALO_MEDIA_HOSTS on arrival.
    images = models.JSONField(default=list, blank=True)
    # "xong" without a place is asked about once; the second "xong" sends it without one.
    place_asked = models.BooleanField(default=False)
    started_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    draft = models.OneToOneField(
        "reports.ReportDraft",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="zalo_conversation",
    )

    class Meta:
        verbose_name = _("hội thoại Zalo")
        verbose_name_plural = _("hội thoại Zalo")
        ordering = ["-last_message_at"]
        constraints = [
            # One open conversation per user: their next message belongs to it.
            models.UniqueConstraint(
                fields=["zalo_user_id"],
                condition=models.Q(state="collecting"),
                name="zalo_one_collecting_per_user",
            )
        ]
        indexes = [models.Index(fields=["state", "last_message_at"])]

    def __str__(self) -> str:
        return _("Hội thoại Zalo #%(pk)s (%(state)s)") % {"pk": self.pk, "state": self.state}


class InboundEvent(models.Model):
    """A Zalo message already taken in: the same msg_id again (Zalo redelivers events it
    thinks were not received) is ignored."""

    msg_id = models.CharField(max_length=128, unique=True)
    event_name = models.CharField(max_length=40)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tin Zalo đã nhận")
        verbose_name_plural = _("tin Zalo đã nhận")

    def __str__(self) -> str:
        return f"{self.event_name} {self.msg_id}"


class Reply(models.Model):
    """One message from the OA to a Zalo user, sent by the outbox consumer exactly once:
    `key` names what it answers (an event, a transition), so the cause heard twice queues it
    once, and the row is marked sent in the relay's transaction."""

    key = models.CharField(max_length=120, unique=True)
    zalo_user_id = models.CharField(max_length=64)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    zalo_message_id = models.CharField(max_length=128, blank=True)

    class Meta:
        verbose_name = _("tin trả lời qua Zalo")
        verbose_name_plural = _("tin trả lời qua Zalo")
        ordering = ["id"]

    def __str__(self) -> str:
        state = _("đã gửi") if self.sent_at else _("chờ gửi")
        return _("Trả lời Zalo #%(pk)s (%(state)s)") % {"pk": self.pk, "state": state}
