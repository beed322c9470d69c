from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportCell(models.Model):
    """Pre-aggregated report counts: a cache rebuilt by `maps_cells_refresh`, never edited.

    Grids: "m", squares of a web-mercator tile at zoom 10 cut 64 × 64 (about 600 m), which
    nest exactly into every lower zoom's count tiles; and hexagons of 500 m (the Gi* layer)
    to 8 km (the heatmap's low zooms), as ST_HexagonGrid ids in the metric CRS. Rows are
    split by category and visibility class only (a month split would give about one row per
    report), so the low-zoom layers read a few thousand small rows instead of a million
    reports; period filters take the live path.
    """

    class Grid(models.TextChoices):
        MERCATOR = "m", _("Ô vuông web-mercator (z10/64)")
        HEX250 = "g", _("Lục giác 250 m")
        HEX500 = "h", _("Lục giác 500 m")
        HEX1000 = "a", _("Lục giác 1 km")
        HEX2000 = "b", _("Lục giác 2 km")
        HEX4000 = "c", _("Lục giác 4 km")
        HEX8000 = "d", _("Lục giác 8 km")

    class Klass(models.TextChoices):
        """Disjoint classes, so that each map reads the union it may see."""

        PUBLIC_OPEN = "pub_open", _("Công khai, đang xử lý")
        PUBLIC_DONE = "pub_done", _("Công khai, đã có kết quả")
        OPEN = "open", _("Đang xử lý, không công khai")
        OTHER = "other", _("Khác")

    grid = models.CharField(max_length=1, choices=Grid.choices)
    cx = models.IntegerField()
    cy = models.IntegerField()
    category_id = models.BigIntegerField()
    klass = models.CharField(max_length=8, choices=Klass.choices)
    n = models.IntegerField()
    # Sum of submission times (epoch seconds): total age at any moment is n·now − created_sum.
    created_sum = models.FloatField()
    # Mean position in the metric CRS (grid "m"), to re-bin into hexagons of other sizes.
    ux = models.FloatField(null=True)
    uy = models.FloatField(null=True)

    class Meta:
        verbose_name = _("ô tổng hợp phản ánh")
        verbose_name_plural = _("ô tổng hợp phản ánh")
        indexes = [models.Index(fields=["grid", "klass", "category_id"], name="maps_cell_lookup")]

    def __str__(self) -> str:
        return f"{self.grid}:{self.cx},{self.cy} {self.klass}: {self.n}"


class CellRefresh(models.Model):
    """When the cell cache was rebuilt, and from which reports (one row per rebuild)."""

    refreshed_at = models.DateTimeField()
    reports = models.BigIntegerField()
    rows = models.BigIntegerField()
    seconds = models.FloatField()
    # The choropleth's per-unit figures over every report, from the same snapshot as the cells:
    # {"commune": {unit id: {...}}, "district": {...}} (maps.cells.cells_unit_stats).
    unit_stats = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("lần làm mới ô tổng hợp")
        verbose_name_plural = _("lần làm mới ô tổng hợp")
        ordering = ["-refreshed_at"]

    def __str__(self) -> str:
        return _("%(at)s: %(rows)s ô") % {
            "at": f"{self.refreshed_at:%d/%m/%Y %H:%M}",
            "rows": self.rows,
        }


class PointCell(models.Model):
    """Per map cell of a point tile below full detail (CELL tile units at zoom z) and visibility
    class: how many reports fall in it and the one the tile shows for them (urgent first, then
    newest); its rank is kept to choose among classes when a map shows several."""

    z = models.SmallIntegerField()
    cx = models.IntegerField()
    cy = models.IntegerField()
    klass = models.CharField(max_length=8, choices=ReportCell.Klass.choices)
    n = models.IntegerField()
    # A plain id, not a key: the tile reads the report back through the asking user's scope.
    report_id = models.BigIntegerField()
    urgent = models.SmallIntegerField()
    created_us = models.BigIntegerField()

    class Meta:
        verbose_name = _("ô điểm phản ánh")
        verbose_name_plural = _("ô điểm phản ánh")
        indexes = [models.Index(fields=["z", "cx", "cy"], name="maps_point_cell_lookup")]

    def __str__(self) -> str:
        return f"z{self.z}:{self.cx},{self.cy} {self.klass}: {self.n}"
