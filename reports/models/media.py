from django.db import models

from reports.models.reports import Report


class Media(models.Model):
    """A photo or video attached to a report, stored under a server-generated name."""

    class Kind(models.TextChoices):
        IMAGE = "image", "Ảnh"
        VIDEO = "video", "Video"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="media")
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
        verbose_name = "ảnh/video"
        verbose_name_plural = "ảnh/video"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.file.name

    def thumbnail_name(self, side: int) -> str | None:
        thumb = (self.thumbnails or {}).get(str(side))
        return thumb["name"] if thumb else None
