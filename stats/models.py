from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class StatsSnapshot(models.Model):
    """Every figure of /thong-ke/ for one standard period, computed ahead of the visits.

    Rebuilt by `stats_snapshot_refresh` (Celery beat, or the command of the same name); the
    page reads one row instead of grouping every report on each request. `key` is the
    period's normalised date range ("from..to", either side empty).
    """

    key = models.CharField(max_length=32, unique=True)
    computed_at = models.DateTimeField()
    seconds = models.FloatField(help_text=_("Thời gian tính (giây)."))
    # {"totals": {...}, "by": {dimension: [rows]}, "ranking": [rows]}
    payload = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("Bản tổng hợp thống kê")
        verbose_name_plural = _("Bản tổng hợp thống kê")

    def __str__(self) -> str:
        key = self.key or _("toàn thời gian")
        return f"{key} @ {self.computed_at:%Y-%m-%d %H:%M}"


# The summary (stats.cube): every report's contribution (StatsFact), their sums per local day
# and per month for the totals and each grouping (StatsCell), the histogram of working days
# the medians are read from (StatsCellDays) and the open reports' deadlines per local day that
# "overdue now" is read from (StatsCellDue). Written only by stats.cube; triggers (migration
# 0002) note every changed report in StatsChange in the writing transaction.

COUNT_COLUMNS = (
    "received",
    "hidden",
    "rejected",
    "merged",
    "open",
    "resolved",
    "resolved_on_time",
    "resolved_with_extension",
    "resolved_late",
    "rated",
    "satisfied",
    "acceptable",
    "unsatisfied",
    "disputed",
)


class StatsChange(models.Model):  # noqa: DJ008 - rows of the summary, never shown
    """A report whose figures may have changed since the summary last read it."""

    id = models.BigAutoField(primary_key=True)
    report_id = models.BigIntegerField()


class StatsCubeState(models.Model):  # noqa: DJ008 - rows of the summary, never shown
    """One row: when the summary was last rebuilt, and with which time zone and calendar (a
    change of either makes the next fold rebuild it)."""

    built_at = models.DateTimeField()
    time_zone = models.CharField(max_length=64)
    holiday_country = models.CharField(max_length=8)
    rebuild_seconds = models.FloatField()


class StatsFact(models.Model):  # noqa: DJ008 - rows of the summary, never shown
    """One report's contribution as of the last fold: the 0/1 flags of the counts."""

    report_id = models.BigIntegerField(primary_key=True)
    day = models.DateField()
    # 0 when the report has none.
    agency_id = models.BigIntegerField()
    commune_id = models.BigIntegerField()
    district_id = models.BigIntegerField()
    category_id = models.BigIntegerField()
    working_days = models.IntegerField(null=True)
    overdue_from = models.DateTimeField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["overdue_from"],
                name="stats_fact_overdue_from",
                condition=models.Q(overdue_from__isnull=False),
            )
        ]


for _name in COUNT_COLUMNS[1:]:
    StatsFact.add_to_class(_name, models.SmallIntegerField())


class StatsCell(models.Model):  # noqa: DJ008 - rows of the summary, never shown
    """Sums of the facts of one local day (grain "d") or month (grain "m", bucket = its first
    day) for the totals (kind 0, member 0) or one agency, commune, district, category (1-4)."""

    grain = models.CharField(max_length=1)
    bucket = models.DateField()
    kind = models.SmallIntegerField()
    member = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "kind", "member"], name="stats_cell_key"
            )
        ]


for _name in (*COUNT_COLUMNS, "overdue_past"):
    # overdue_past: open reports whose deadline's local day had passed when folded.
    StatsCell.add_to_class(_name, models.IntegerField())


class StatsCellDays(models.Model):  # noqa: DJ008 - rows of the summary, never shown
    """How many resolved reports of a cell took `days` working days."""

    grain = models.CharField(max_length=1)
    bucket = models.DateField()
    kind = models.SmallIntegerField()
    member = models.BigIntegerField()
    days = models.IntegerField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "kind", "member", "days"], name="stats_cell_days_key"
            )
        ]


class StatsCellDue(models.Model):  # noqa: DJ008 - rows of the summary, never shown
    """How many open reports of a cell become overdue on local day `due_day` (a day not yet
    past when they were folded; the others are the cell's overdue_past)."""

    grain = models.CharField(max_length=1)
    bucket = models.DateField()
    kind = models.SmallIntegerField()
    member = models.BigIntegerField()
    due_day = models.DateField()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "kind", "member", "due_day"], name="stats_cell_due_key"
            )
        ]
