from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseTemplate(models.Model):
    """A ready answer the IOC or an agency starts from (a rejection's reason and how to send
    again, a result, a status notice), for one category or for all; edited in the admin."""

    class Kind(models.TextChoices):
        REJECT = "reject", _("Từ chối phản ánh")
        RESULT = "result", _("Kết quả xử lý")
        RETURN_RESULT = "return_result", _("Trả lại kết quả")
        STATUS_NOTICE = "status_notice", _("Thông báo tình trạng")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        "routing_rules.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lĩnh vực"),
        help_text=_("Để trống: dùng cho mọi lĩnh vực."),
    )
    title = models.CharField(_("tên mẫu"), max_length=120)
    body = models.TextField(
        _("nội dung"),
        help_text=(
            _(
                "Thông báo tình trạng có thể dùng {trang_thai}, {co_quan}, {han}; "
                "các mẫu khác là văn bản để cán bộ sửa trước khi gửi."
            )
        ),
    )
    # Rejections also tell the reporter how to send it again.
    resubmit_hint = models.TextField(_("hướng dẫn gửi lại"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)

    class Meta:
        verbose_name = _("mẫu trả lời")
        verbose_name_plural = _("mẫu trả lời")
        ordering = ["kind", "sort_order", "title"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
