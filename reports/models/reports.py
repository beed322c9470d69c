from django.conf import settings
from django.contrib.gis.db import models


class Report(models.Model):
    """A field report (phản ánh hiện trường). The reporter's identity lives in ReporterIdentity."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Chờ tiếp nhận"
        REJECTED = "rejected", "Bị từ chối"
        RETURNED = "returned", "Chuyển lại IOC"
        ASSIGNED = "assigned", "Đã chuyển cơ quan xử lý"
        IN_PROGRESS = "in_progress", "Đang xử lý"
        RESULT_SUBMITTED = "result_submitted", "Chờ duyệt kết quả"
        PUBLISHED = "published", "Đã có kết quả"
        REOPENED = "reopened", "Mở lại"
        MERGED = "merged", "Đã gộp vào phản ánh khác"

    OPEN_STATUSES = (
        Status.SUBMITTED,
        Status.RETURNED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESULT_SUBMITTED,
        Status.REOPENED,
    )
    IOC_INBOX_STATUSES = (Status.SUBMITTED, Status.RETURNED, Status.RESULT_SUBMITTED)
    AGENCY_STATUSES = (Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)
    # Once the IOC has verified a report and sent it to an agency, its progress is public
    # (as in Điện Biên Smart); unverified, rejected and merged reports never are.
    PUBLIC_STATUSES = (
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESULT_SUBMITTED,
        Status.PUBLISHED,
        Status.REOPENED,
    )

    class Channel(models.TextChoices):
        WEB = "web", "Cổng thông tin"
        API = "api", "API"
        APP = "app", "Ứng dụng trên điện thoại"
        OPEN311 = "open311", "Open311"
        EMAIL = "email", "Thư điện tử"
        ZALO = "zalo", "Zalo"
        PHONE = "phone", "Đường dây nóng"
        ASSISTED = "assisted", "Tình nguyện viên hỗ trợ"

    class LocationSource(models.TextChoices):
        PIN = "pin", "Chọn trên bản đồ"
        EXIF = "exif", "Tọa độ GPS trong ảnh"
        ADDRESS = "address", "Địa chỉ"

    # Completed by the INSERT itself (a trigger appends the id to the prefix the submission
    # gives, migration 0008); a db_default makes Django read the column back with RETURNING, so
    # a new reference costs no second statement.
    reference = models.CharField(
        "mã phản ánh", max_length=20, unique=True, null=True, default=None, db_default=None
    )
    category = models.ForeignKey(
        "routing_rules.Category", on_delete=models.PROTECT, verbose_name="lĩnh vực"
    )
    title = models.CharField("tiêu đề", max_length=200)
    description = models.TextField("nội dung")
    point = models.PointField("vị trí", srid=4326)
    location_source = models.CharField(
        max_length=10, choices=LocationSource.choices, default=LocationSource.PIN
    )
    channel = models.CharField(
        "kênh tiếp nhận",
        max_length=10,
        choices=Channel.choices,
        default=Channel.WEB,
        db_default=Channel.WEB,
    )
    # Who typed it in for the reporter: an IOC operator (hotline) or a volunteer (assisted).
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người nhập hộ",
    )
    commune = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="xã/phường",
    )
    district = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="huyện (cũ)",
    )
    edition = models.ForeignKey(
        "boundaries.Edition", on_delete=models.PROTECT, related_name="+", verbose_name="ranh giới"
    )
    incident_at = models.DateTimeField("thời điểm xảy ra", null=True, blank=True)
    urgent = models.BooleanField("khẩn cấp", default=False)
    private_result = models.BooleanField("chỉ gửi kết quả cho người phản ánh", default=False)
    status = models.CharField(
        "trạng thái", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    current_agency = models.ForeignKey(
        "routing_rules.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name="cơ quan đang xử lý",
    )
    verify_due_at = models.DateTimeField("hạn tiếp nhận/từ chối", null=True, blank=True)
    assigned_at = models.DateTimeField("thời điểm giao", null=True, blank=True)
    due_at = models.DateTimeField("hạn xử lý", null=True, blank=True)
    is_overdue = models.BooleanField("quá hạn", default=False)
    status_notice_sent_at = models.DateTimeField(
        "đã báo tình trạng cho người phản ánh", null=True, blank=True
    )
    closed_at = models.DateTimeField("thời điểm kết thúc", null=True, blank=True)
    hidden = models.BooleanField("ẩn khỏi công khai", default=False)
    hidden_reason = models.TextField("lý do ẩn", blank=True)
    # A hide by the IOC takes effect at once and waits for a supervisor's sign-off.
    hide_reviewed_at = models.DateTimeField("giám sát đã duyệt ẩn lúc", null=True, blank=True)
    hide_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="giám sát duyệt ẩn",
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name="trùng với",
    )
    created_at = models.DateTimeField("thời điểm gửi", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "phản ánh"
        verbose_name_plural = "phản ánh"
        ordering = ["-urgent", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-urgent", "created_at"]),
            models.Index(fields=["current_agency", "status"]),
            models.Index(fields=["category", "status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(hidden=True) | ~models.Q(hidden_reason=""),
                name="report_hidden_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(duplicate_of__isnull=False),
                name="report_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or '—'}: {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ReporterIdentity(models.Model):
    """Who filed a report. Confidential: read only through audited selectors. Wiped (the row
    kept, so the case stays whole) when the account is erased or the retention period ends."""

    ERASED_NAME = "Người phản ánh đã xóa tài khoản"
    EXPIRED_NAME = "Đã xóa theo thời hạn lưu trữ"

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reporter_identities"
    )
    full_name = models.CharField("họ và tên", max_length=200)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    wiped_at = models.DateTimeField("thời điểm xóa dữ liệu", null=True, blank=True)

    class Meta:
        verbose_name = "danh tính người phản ánh"
        verbose_name_plural = "danh tính người phản ánh"

    def __str__(self) -> str:
        return f"Danh tính của phản ánh #{self.report_id}"


class IdentityConsent(models.Model):
    """The reporter's consent to reveal their identity to one agency for one report."""

    identity = models.ForeignKey(
        ReporterIdentity, on_delete=models.CASCADE, related_name="consents"
    )
    agency = models.ForeignKey("routing_rules.Agency", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "đồng ý tiết lộ danh tính"
        verbose_name_plural = "đồng ý tiết lộ danh tính"

    def __str__(self) -> str:
        state = "đã thu hồi" if self.revoked_at else "đang hiệu lực"
        return f"Đồng ý cho {self.agency_id} ({state})"


class Follow(models.Model):
    """A citizen following a report instead of filing a duplicate."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "theo dõi"
        verbose_name_plural = "theo dõi"
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"Theo dõi phản ánh #{self.report_id}"
