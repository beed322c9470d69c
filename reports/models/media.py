from django.db import models
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report
from reports.models.workflow import Result


class Media(models.Model):
    """A photo or video attached to a report, stored under a server-generated name."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Ảnh")
        VIDEO = "video", _("Video")

    class Role(models.TextChoices):
        REPORT = "report", _("Ảnh phản ánh")
        BEFORE = "before", _("Trước khi xử lý")
        AFTER = "after", _("Sau khi xử lý")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="media")
    # Evidence of a fix: a photo of one result, kept with it when that result is returned, so
    # the published result shows its own photos and the history keeps the others.
    result = models.ForeignKey(
        Result,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("kết quả xử lý"),
    )
    role = models.CharField(_("vai trò"), max_length=6, choices=Role.choices, default=Role.REPORT)
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Smaller copies for lists, popups and the page: {"320": {"name", "width", "height"}, …},
    # stored beside the file as <name>.<side>.jpg and served by the same policy-checked view.
    thumbnails = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh/video")
        verbose_name_plural = _("ảnh/video")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name

    def thumbnail_name(self, side: int) -> str | None:
        thumb = (self.thumbnails or {}).get(str(side))
        return thumb["name"] if thumb else None
