from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Edition(models.Model):
    """A published set of boundaries valid over a period (MapIt's "generation")."""

    slug = models.SlugField(_("mã phiên bản"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.TextField(_("nguồn dữ liệu"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản ranh giới")
        verbose_name_plural = _("phiên bản ranh giới")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="edition_valid_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from:%d/%m/%Y})"


class AdminUnit(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Cấp huyện (cũ)")
        COMMUNE = "commune", _("Xã/phường/đặc khu")

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="units")
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=200)
    full_name = models.CharField(_("tên đầy đủ"), max_length=250)
    unit_type = models.CharField(_("loại đơn vị"), max_length=30)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    province_code = models.CharField(_("mã tỉnh"), max_length=4, db_index=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Former districts stopped being administrations on 2025-06-30 but remain service areas.
    administration_ended = models.DateField(_("hết là cấp hành chính"), null=True, blank=True)
    area_km2 = models.FloatField(_("diện tích (km²)"))
    geom = models.MultiPolygonField(srid=4326)

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["edition", "level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "level", "code"], name="unit_code_per_edition"
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_former(self) -> bool:
        return self.administration_ended is not None

    @property
    def display_name(self) -> str:
        if self.is_former:
            return _("%(name)s (cũ)") % {"name": self.full_name}
        return self.full_name


class AdminUnitPart(models.Model):
    """One piece of a unit's geometry cut by ST_Subdivide; what point lookups probe.

    Rows are written only by the database trigger installed in migration 0002, so the
    pieces can never drift from the unit's geometry.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="parts")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=AdminUnit.Level.choices)
    province_code = models.CharField(max_length=4)
    unit_code = models.CharField(max_length=10)
    geom = models.PolygonField(srid=4326)

    class Meta:
        verbose_name = _("mảnh ranh giới (chia nhỏ)")
        verbose_name_plural = _("mảnh ranh giới (chia nhỏ)")
        indexes = [models.Index(fields=["edition", "level", "province_code"])]
