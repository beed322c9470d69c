from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """A notice sent outside the portal that no in-app notification records the sending of: an
    agency mailbox's e-mail about one event, or a reporter's SMS about one notification. The
    unique keys make one row (hence one outbox message) per (event, mailbox) or notification;
    its consumer sends a row at most once (`sent_at`, checked under the row's lock)."""

    class Channel(models.TextChoices):
        AGENCY_EMAIL = "agency_email", _("Thư điện tử cơ quan")
        SMS = "sms", _("Tin nhắn SMS")

    channel = models.CharField(max_length=20, choices=Channel.choices)
    transition = models.ForeignKey("reports.Transition", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(
        "routing_rules.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The reporter's notification the SMS carries (gone with it when the account is erased).
    notification = models.ForeignKey(
        "reports.Notification", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo gửi ra ngoài")
        verbose_name_plural = _("thông báo gửi ra ngoài")
        constraints = [
            models.UniqueConstraint(
                fields=["transition", "agency"],
                condition=models.Q(channel="agency_email"),
                name="delivery_agency_email_once",
            ),
            models.UniqueConstraint(
                fields=["notification"],
                condition=models.Q(channel="sms"),
                name="delivery_sms_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(channel="agency_email") & models.Q(agency__isnull=False))
                | (models.Q(channel="sms") & models.Q(notification__isnull=False)),
                name="delivery_names_its_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} #{self.transition_id}"
