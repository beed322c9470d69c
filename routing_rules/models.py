from django.db import models


class Category(models.Model):
    """A field of public life a report can be about (lĩnh vực phản ánh)."""

    code = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=200)
    group = models.CharField("nhóm", max_length=200, blank=True)
    description = models.TextField("mô tả", blank=True)
    keywords = models.JSONField("từ khóa", default=list, blank=True)
    sort_order = models.PositiveIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A body that handles or coordinates reports."""

    class Kind(models.TextChoices):
        COMMUNE_UBND = "commune_ubnd", "UBND xã/phường"
        AREA_BRANCH = "area_branch", "Đơn vị theo khu vực (chi nhánh)"
        DEPARTMENT = "department", "Sở, ban, ngành tỉnh"
        POLICE = "police", "Công an"
        UTILITY = "utility", "Doanh nghiệp dịch vụ công"
        IOC = "ioc", "Trung tâm điều hành thông minh (IOC)"
        OTHER = "other", "Khác"

    code = models.SlugField("mã", max_length=60, unique=True)
    name = models.CharField("tên", max_length=250)
    kind = models.CharField("loại", max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name="đơn vị cấp trên",
    )
    # Official codes of the administrative units covered (commune, district or province);
    # codes rather than rows so the jurisdiction survives a new boundary edition.
    jurisdiction_codes = models.JSONField(
        "địa bàn (mã đơn vị hành chính)", default=list, blank=True
    )
    email = models.EmailField("thư điện tử", blank=True)
    phone = models.CharField("điện thoại", max_length=30, blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)

    class Meta:
        verbose_name = "cơ quan xử lý"
        verbose_name_plural = "cơ quan xử lý"
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name
