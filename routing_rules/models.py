from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.db.models import Deferrable, F, Q
from django.utils.translation import gettext_lazy as _

from routing_rules.functions import ZoneArea


class Category(models.Model):
    """A field of public life a report can be about (lĩnh vực phản ánh)."""

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)
    group = models.CharField(_("nhóm"), max_length=200, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    keywords = models.JSONField(_("từ khóa"), default=list, blank=True)
    sort_order = models.PositiveIntegerField(_("thứ tự"), default=0)
    # Types the regulation handles immediately (thiên tai, hỏa hoạn): the form pre-ticks urgent.
    urgent_hint = models.BooleanField(_("thường là khẩn cấp"), default=False)
    # Where a picture plainly proves the fix (a pothole filled, a lamp lit): no result without one.
    result_photos_required = models.BooleanField(_("kết quả phải có ảnh"), default=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from routing_rules.validation import category_validate

        category_validate(category=self)


class Agency(models.Model):
    """A body that handles or coordinates reports."""

    class Kind(models.TextChoices):
        COMMUNE_UBND = "commune_ubnd", _("UBND xã/phường")
        AREA_BRANCH = "area_branch", _("Đơn vị theo khu vực (chi nhánh)")
        DEPARTMENT = "department", _("Sở, ban, ngành tỉnh")
        POLICE = "police", _("Công an")
        UTILITY = "utility", _("Doanh nghiệp dịch vụ công")
        IOC = "ioc", _("Trung tâm điều hành thông minh (IOC)")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=250)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("đơn vị cấp trên"),
    )
    # Official codes of the administrative units covered (commune, district or province);
    # codes rather than rows so the jurisdiction survives a new boundary edition.
    jurisdiction_codes = models.JSONField(
        _("địa bàn (mã đơn vị hành chính)"), default=list, blank=True
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("cơ quan xử lý")
        verbose_name_plural = _("cơ quan xử lý")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from routing_rules.validation import agency_validate

        agency_validate(agency=self)


class SpecialZone(models.Model):
    """A place rules can target: a historic site, a road corridor... (polygon, or line + buffer)."""

    class Kind(models.TextChoices):
        HISTORIC_SITE = "historic_site", _("Khu di tích lịch sử")
        ROAD_CORRIDOR = "road_corridor", _("Hành lang quốc lộ, tỉnh lộ")
        TOURIST_AREA = "tourist_area", _("Khu, điểm du lịch")
        HAZARD_AREA = "hazard_area", _("Vùng nguy cơ thiên tai")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=250)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("mô tả"), blank=True)
    geom = models.GeometryField(_("hình học (WGS 84)"), srid=4326)
    buffer_m = models.FloatField(
        _("vùng đệm (m)"), default=0, help_text=_("Bắt buộc > 0 với điểm và đường (hành lang).")
    )
    # Maintained by PostgreSQL from geom and buffer_m, so it can never drift from them.
    area = models.GeneratedField(
        expression=ZoneArea(F("geom"), F("buffer_m")),
        output_field=models.MultiPolygonField(srid=4326),
        db_persist=True,
        verbose_name=_("vùng hiệu lực"),
    )
    managing_agency = models.ForeignKey(
        "Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_zones",
        verbose_name=_("đơn vị quản lý"),
    )
    approximate = models.BooleanField(
        _("vị trí gần đúng"),
        default=True,
        help_text=_("Bỏ chọn khi vị trí đã được khảo sát, đo đạc."),
    )
    is_active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("vùng đặc biệt")
        verbose_name_plural = _("vùng đặc biệt")
        ordering = ["kind", "name"]
        indexes = [GistIndex(fields=["area"], name="routing_zone_area_gist")]
        constraints = [
            models.CheckConstraint(condition=Q(buffer_m__gte=0), name="zone_buffer_non_negative")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from routing_rules.validation import zone_validate

        zone_validate(zone=self)


COMMUNE_TYPES = ("xã", "phường", "đặc khu")


class Rule(models.Model):
    """One routing rule: conditions on a report, and the agency that should handle it.

    Rules are tried by ascending priority; the first whose every condition holds wins. An empty
    condition (no categories, no units...) matches anything.
    """

    class Target(models.TextChoices):
        FIXED = "fixed", _("Một cơ quan cố định")
        COMMUNE_UBND = "commune_ubnd", _("UBND xã/phường nơi có vị trí")
        AREA_BRANCH = "area_branch", _("Chi nhánh của cơ quan, có địa bàn chứa vị trí")
        ZONE_MANAGER = "zone_manager", _("Đơn vị quản lý vùng đặc biệt chứa vị trí")
        SUPERIOR = "superior", _("Cấp trên của đơn vị liên quan")

    class Urgency(models.TextChoices):
        ANY = "any", _("Bất kỳ")
        URGENT = "urgent", _("Chỉ phản ánh khẩn cấp")
        NORMAL = "normal", _("Chỉ phản ánh không khẩn cấp")

    code = models.SlugField(_("mã"), max_length=80, unique=True)
    name = models.CharField(_("tên quy tắc"), max_length=250)
    description = models.TextField(_("ghi chú"), blank=True)
    priority = models.PositiveIntegerField(
        _("thứ tự ưu tiên"), help_text=_("Số nhỏ được xét trước; mỗi quy tắc một số riêng.")
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    valid_from = models.DateTimeField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateTimeField(_("hiệu lực đến (không bao gồm)"), null=True, blank=True)

    categories = models.ManyToManyField(
        Category, blank=True, related_name="rules", verbose_name=_("lĩnh vực")
    )
    unit_codes = models.JSONField(
        _("đơn vị hành chính (mã tỉnh, huyện cũ hoặc xã)"),
        default=list,
        blank=True,
        help_text=_('Ví dụ ["094"]: địa bàn TP Điện Biên Phủ cũ; ["03334"]: Phường Mường Thanh.'),
    )
    commune_types = models.JSONField(
        _("cấp xã: loại đơn vị"),
        default=list,
        blank=True,
        help_text=_('Ví dụ ["phường"]: chỉ áp dụng ở các phường (đô thị); hoặc ["xã"].'),
    )
    zones = models.ManyToManyField(
        SpecialZone, blank=True, related_name="rules", verbose_name=_("vùng đặc biệt")
    )
    zone_kinds = models.JSONField(
        _("loại vùng đặc biệt"), default=list, blank=True, help_text=_('Ví dụ ["historic_site"].')
    )
    urgency = models.CharField(
        _("mức khẩn cấp"), max_length=10, choices=Urgency.choices, default=Urgency.ANY
    )
    keywords = models.JSONField(
        _("từ khóa (một trong các từ)"),
        default=list,
        blank=True,
        help_text=_("So khớp cả khi người dân gõ không dấu."),
    )

    target_kind = models.CharField(_("đơn vị xử lý"), max_length=20, choices=Target.choices)
    target_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_by_rules",
        verbose_name=_("cơ quan (cố định / cơ quan mẹ của chi nhánh)"),
    )
    coordinators = models.ManyToManyField(
        Agency, blank=True, related_name="coordinating_rules", verbose_name=_("cơ quan phối hợp")
    )
    coordinate_commune_ubnd = models.BooleanField(_("UBND xã/phường phối hợp"), default=False)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("quy tắc chuyển xử lý")
        verbose_name_plural = _("quy tắc chuyển xử lý")
        ordering = ["priority"]
        constraints = [
            # Deferred so two rules can swap priorities inside one transaction.
            models.UniqueConstraint(
                fields=["priority"], name="rule_priority_unique", deferrable=Deferrable.DEFERRED
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gt=F("valid_from")),
                name="rule_valid_period",
            ),
            models.CheckConstraint(
                condition=~Q(target_kind__in=["fixed", "area_branch"])
                | Q(target_agency__isnull=False),
                name="rule_target_agency_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}. {self.name}"

    def clean(self) -> None:
        from routing_rules.validation import rule_validate

        rule_validate(rule=self)
