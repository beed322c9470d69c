from django.db import models


class ResponseTemplate(models.Model):
    """A ready answer the IOC or an agency starts from (a rejection's reason and how to send
    again, a result, a status notice), for one category or for all; edited in the admin."""

    class Kind(models.TextChoices):
        REJECT = "reject", "Từ chối phản ánh"
        RESULT = "result", "Kết quả xử lý"
        RETURN_RESULT = "return_result", "Trả lại kết quả"
        STATUS_NOTICE = "status_notice", "Thông báo tình trạng"

    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        "routing_rules.Category",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="lĩnh vực",
        help_text="Để trống: dùng cho mọi lĩnh vực.",
    )
    title = models.CharField("tên mẫu", max_length=120)
    body = models.TextField(
        "nội dung",
        help_text=(
            "Thông báo tình trạng có thể dùng {trang_thai}, {co_quan}, {han}; "
            "các mẫu khác là văn bản để cán bộ sửa trước khi gửi."
        ),
    )
    # Rejections also tell the reporter how to send it again.
    resubmit_hint = models.TextField("hướng dẫn gửi lại", blank=True)
    is_active = models.BooleanField("đang dùng", default=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)

    class Meta:
        verbose_name = "mẫu trả lời"
        verbose_name_plural = "mẫu trả lời"
        ordering = ["kind", "sort_order", "title"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"
