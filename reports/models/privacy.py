from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class ProcessingConsent(models.Model):
    """A citizen's consent to the processing of their personal data (Law 91/2025), recorded
    with the version of the privacy notice they were shown, at registration and each report."""

    class Context(models.TextChoices):
        REGISTER = "register", _("Đăng ký tài khoản")
        SUBMIT = "submit", _("Gửi phản ánh")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="processing_consents"
    )
    context = models.CharField(max_length=10, choices=Context.choices)
    notice_version = models.CharField(_("phiên bản thông báo"), max_length=20)
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đồng ý xử lý dữ liệu cá nhân")
        verbose_name_plural = _("đồng ý xử lý dữ liệu cá nhân")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.context} ({self.notice_version})"
