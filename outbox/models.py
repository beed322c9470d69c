from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Work that must happen after a change commits (notifications, e-mails), written in the
    same transaction as the change, so a broker outage delays it and never loses it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        DEAD = "dead", _("Lỗi, ngừng thử lại")

    topic = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    available_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("việc chờ gửi (outbox)")
        verbose_name_plural = _("việc chờ gửi (outbox)")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["available_at", "id"],
                condition=models.Q(state="pending"),
                name="outbox_pending_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk} ({self.state})"
