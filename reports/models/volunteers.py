from django.conf import settings
from django.db import models

from reports.models.reports import Report


class VolunteerApplication(models.Model):
    """A citizen asking to file reports for people present with them (a Youth Union member…).
    The account's role becomes VOLUNTEER only when the IOC approves; who decided, and when,
    stays on the row."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ IOC xét duyệt"
        APPROVED = "approved", "Đã duyệt"
        REFUSED = "refused", "Không duyệt"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_applications"
    )
    organisation = models.CharField("tổ chức", max_length=200)
    commune = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="xã/phường hoạt động",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="người xét duyệt",
    )
    decided_at = models.DateTimeField("thời điểm xét duyệt", null=True, blank=True)
    decision_reason = models.TextField("lý do", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đăng ký tình nguyện viên"
        verbose_name_plural = "đăng ký tình nguyện viên"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="volunteer_one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_state_display()})"


class ReportClaim(models.Model):
    """A citizen proving, with a one-time code texted to the phone the report was filed with,
    that a hotline or assisted report is theirs. Only a keyed hash of the code is kept."""

    class State(models.TextChoices):
        PENDING = "pending", "Chờ nhập mã"
        CLAIMED = "claimed", "Đã nhận"
        LOCKED = "locked", "Nhập sai quá số lần"
        UNSENT = "unsent", "Không gửi được mã"
        REPLACED = "replaced", "Đã thay bằng mã mới"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="claims")
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_claims"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    code_hash = models.CharField(max_length=128, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "nhận lại phản ánh"
        verbose_name_plural = "nhận lại phản ánh"
        indexes = [models.Index(fields=["report", "created_at"])]

    def __str__(self) -> str:
        return f"Nhận phản ánh #{self.report_id} ({self.state})"
