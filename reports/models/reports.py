from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.record_text import record_text


class Report(models.Model):
    """A field report (phản ánh hiện trường). The reporter's identity lives in ReporterIdentity."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ tiếp nhận")
        REJECTED = "rejected", _("Bị từ chối")
        RETURNED = "returned", _("Chuyển lại IOC")
        ASSIGNED = "assigned", _("Đã chuyển cơ quan xử lý")
        IN_PROGRESS = "in_progress", _("Đang xử lý")
        RESULT_SUBMITTED = "result_submitted", _("Chờ duyệt kết quả")
        PUBLISHED = "published", _("Đã có kết quả")
        REOPENED = "reopened", _("Mở lại")
        MERGED = "merged", _("Đã gộp vào phản ánh khác")

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
        WEB = "web", _("Cổng thông tin")
        API = "api", "API"
        APP = "app", _("Ứng dụng trên điện thoại")
        OPEN311 = "open311", "Open311"
        EMAIL = "email", _("Thư điện tử")
        ZALO = "zalo", "Zalo"
        PHONE = "phone", _("Đường dây nóng")
        ASSISTED = "assisted", _("Tình nguyện viên hỗ trợ")

    class LocationSource(models.TextChoices):
        PIN = "pin", _("Chọn trên bản đồ")
        EXIF = "exif", _("Tọa độ GPS trong ảnh")
        ADDRESS = "address", _("Địa chỉ")

    # Completed by the INSERT itself (a trigger appends the id to the prefix the submission
    # gives, migration 0008); a db_default makes Django read the column back with RETURNING, so
    # a new reference costs no second statement.
    reference = models.CharField(
        _("mã phản ánh"), max_length=20, unique=True, null=True, default=None, db_default=None
    )
    category = models.ForeignKey(
        "routing_rules.Category", on_delete=models.PROTECT, verbose_name=_("lĩnh vực")
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung"))
    point = models.PointField(_("vị trí"), srid=4326)
    location_source = models.CharField(
        max_length=10, choices=LocationSource.choices, default=LocationSource.PIN
    )
    channel = models.CharField(
        _("kênh tiếp nhận"),
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
        verbose_name=_("người nhập hộ"),
    )
    commune = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("xã/phường"),
    )
    district = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("huyện (cũ)"),
    )
    edition = models.ForeignKey(
        "boundaries.Edition",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ranh giới"),
    )
    incident_at = models.DateTimeField(_("thời điểm xảy ra"), null=True, blank=True)
    urgent = models.BooleanField(_("khẩn cấp"), default=False)
    private_result = models.BooleanField(_("chỉ gửi kết quả cho người phản ánh"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    current_agency = models.ForeignKey(
        "routing_rules.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("cơ quan đang xử lý"),
    )
    # The officer of the current agency its unit head gave the case to; the history of these
    # choices is on the timeline (Transition.Action.ASSIGN_OFFICER).
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="assigned_reports",
        verbose_name=_("cán bộ được phân công"),
    )
    officer_assigned_at = models.DateTimeField(
        _("thời điểm phân công cán bộ"), null=True, blank=True
    )
    verify_due_at = models.DateTimeField(_("hạn tiếp nhận/từ chối"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("thời điểm giao"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    is_overdue = models.BooleanField(_("quá hạn"), default=False)
    status_notice_sent_at = models.DateTimeField(
        _("đã báo tình trạng cho người phản ánh"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)
    hidden = models.BooleanField(_("ẩn khỏi công khai"), default=False)
    hidden_reason = models.TextField(_("lý do ẩn"), blank=True)
    # A hide by the IOC takes effect at once and waits for a supervisor's sign-off.
    hide_reviewed_at = models.DateTimeField(_("giám sát đã duyệt ẩn lúc"), null=True, blank=True)
    hide_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("giám sát duyệt ẩn"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("trùng với"),
    )
    created_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phản ánh")
        verbose_name_plural = _("phản ánh")
        ordering = ["-urgent", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-urgent", "created_at"]),
            models.Index(fields=["current_agency", "status"]),
            # An officer's own cases ("Của tôi") and the workload per officer.
            models.Index(fields=["assigned_officer", "status"], name="report_officer_status_idx"),
            models.Index(fields=["category", "status", "created_at"]),
            # The analysis layers' period filters read at most MAPS_ANALYSIS_LIVE_MAX_REPORTS
            # reports: without it, their count and binning scanned every report.
            models.Index(fields=["created_at"], name="report_created_idx"),
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

    ERASED_NAME = record_text("Người phản ánh đã xóa tài khoản")
    EXPIRED_NAME = record_text("Đã xóa theo thời hạn lưu trữ")

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="identity")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reporter_identities"
    )
    full_name = models.CharField(_("họ và tên"), max_length=200)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    wiped_at = models.DateTimeField(_("thời điểm xóa dữ liệu"), null=True, blank=True)

    class Meta:
        verbose_name = _("danh tính người phản ánh")
        verbose_name_plural = _("danh tính người phản ánh")

    def __str__(self) -> str:
        return gettext("Danh tính của phản ánh #%(id)s") % {"id": self.report_id}


class IdentityConsent(models.Model):
    """The reporter's consent to reveal their identity to one agency for one report."""

    identity = models.ForeignKey(
        ReporterIdentity, on_delete=models.CASCADE, related_name="consents"
    )
    agency = models.ForeignKey("routing_rules.Agency", on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đồng ý tiết lộ danh tính")
        verbose_name_plural = _("đồng ý tiết lộ danh tính")

    def __str__(self) -> str:
        state = gettext("đã thu hồi") if self.revoked_at else gettext("đang hiệu lực")
        return gettext("Đồng ý cho %(agency)s (%(state)s)") % {
            "agency": self.agency_id,
            "state": state,
        }


class Follow(models.Model):
    """A citizen following a report instead of filing a duplicate."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("theo dõi")
        verbose_name_plural = _("theo dõi")
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return gettext("Theo dõi phản ánh #%(id)s") % {"id": self.report_id}
