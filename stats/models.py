from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class StatsSnapshot(models.Model):
    """Every figure of /thong-ke/ for one standard period, computed ahead of the visits.

    Rebuilt by `stats_snapshot_refresh` (Celery beat, or the command of the same name); the
    page reads one row instead of grouping every report on each request. `key` is the
    period's normalised date range ("from..to", either side empty).
    """

    key = models.CharField(max_length=32, unique=True)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text="Thời gian tính (giây).")
    # {"totals": {...}, "by": {dimension: [rows]}, "ranking": [rows]}
    payload = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "Bản tổng hợp thống kê"
        verbose_name_plural = "Bản tổng hợp thống kê"

    def __str__(self) -> str:
        return f"{self.key or 'toàn thời gian'} @ {self.computed_at:%Y-%m-%d %H:%M}"
