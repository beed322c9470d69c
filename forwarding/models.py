import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from forwarding.validation import webhook_url_validate

SECRET_MIN_LENGTH = 32


class AgencyWebhook(models.Model):
    """Where an agency's own system (e.g. the province's e-office) receives its cases' events.

    The secret is kept as given: the portal must sign with it, so it cannot be hashed. The
    admin never shows it back (a masked hint only) and replaces it only when a new one is typed.
    """

    agency = models.OneToOneField(
        "routing_rules.Agency",
        on_delete=models.CASCADE,
        related_name="webhook",
        verbose_name=_("cơ quan"),
    )
    url = models.URLField(
        _("địa chỉ nhận (URL)"), max_length=500, validators=[webhook_url_validate]
    )
    secret = models.CharField(_("khóa ký HMAC"), max_length=200)
    is_active = models.BooleanField(_("đang gửi"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)

    class Meta:
        verbose_name = _("webhook của cơ quan")
        verbose_name_plural = _("webhook của cơ quan")
        ordering = ["agency__name"]

    def __str__(self) -> str:
        return _("Webhook của %(agency)s") % {"agency": self.agency}

    @property
    def secret_hint(self) -> str:
        return f"••••{self.secret[-4:]}" if len(self.secret) >= SECRET_MIN_LENGTH else "••••"


class Delivery(models.Model):
    """One event for one agency: written when the event is heard, marked delivered once its
    webhook answered 2xx. Failed attempts live on the outbox message (rolled back with the
    attempt, the rest of this row would not keep them)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        SKIPPED = "skipped", _("Bỏ qua (webhook đã tắt)")

    class Role(models.TextChoices):
        HANDLER = "handler", _("Cơ quan đang xử lý")
        PREVIOUS = "previous", _("Cơ quan vừa thôi xử lý")

    # The receiver's idempotency key (X-Portal-Delivery): the same on every retry.
    uuid = models.UUIDField(_("mã lần chuyển"), default=uuid.uuid4, unique=True, editable=False)
    transition = models.ForeignKey(
        "reports.Transition", on_delete=models.CASCADE, related_name="+", verbose_name=_("sự kiện")
    )
    agency = models.ForeignKey(
        "routing_rules.Agency",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cơ quan"),
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    event_type = models.CharField(_("loại sự kiện"), max_length=60)
    outbox_message = models.ForeignKey(
        "outbox.OutboxMessage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("việc chờ gửi"),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    last_response_code = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần chuyển sự kiện")
        verbose_name_plural = _("nhật ký chuyển sự kiện")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["transition", "agency"], name="forwarding_once"),
        ]
        indexes = [models.Index(fields=["agency", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.transition_id} → {self.agency_id}"

    @property
    def event_id(self) -> int:
        return self.transition_id
