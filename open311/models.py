"""API clients of the Open311 endpoint and the reports they filed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """An application allowed to file reports through Open311 (one key per client).

    Only a SHA-256 digest of the key is stored: keys are 256-bit random values, so a fast
    digest is enough to make a leaked table useless, and it allows an indexed lookup.
    """

    name = models.CharField(_("tên ứng dụng"), max_length=200)
    contact = models.CharField(_("liên hệ kỹ thuật"), max_length=250, blank=True)
    notes = models.TextField(_("ghi chú"), blank=True)
    # Reports filed by this client belong to this account (reporter identities, idempotency).
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="open311_client",
        verbose_name=_("tài khoản hệ thống"),
    )
    key_prefix = models.CharField(_("tiền tố khóa"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(_("giới hạn yêu cầu/phút"), default=60)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    revoked_at = models.DateTimeField(_("thời điểm thu hồi"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("lần dùng gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm cấp"), auto_now_add=True)

    class Meta:
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"


class Open311Request(models.Model):
    """A report filed through Open311: which client filed it, and its lookup token."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="open311"
    )
    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    # Never fetched (the servers are offline and fetching would be an SSRF vector);
    # kept for staff, never published.
    media_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phản ánh qua Open311")
        verbose_name_plural = _("phản ánh qua Open311")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.client_id} → #{self.report_id}"
