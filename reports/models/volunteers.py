from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class VolunteerApplication(models.Model):
    """A citizen asking to file reports for people present with them (a Youth Union member…).
    The account's role becomes VOLUNTEER only when the IOC approves; who decided, and when,
    stays on the row."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ IOC xét duyệt")
        APPROVED = "approved", _("Đã duyệt")
        REFUSED = "refused", pgettext_lazy("state", "Không duyệt")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_applications"
    )
    organisation = models.CharField(_("tổ chức"), max_length=200)
    commune = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("xã/phường hoạt động"),
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xét duyệt"),
    )
    decided_at = models.DateTimeField(_("thời điểm xét duyệt"), null=True, blank=True)
    decision_reason = models.TextField(_("lý do"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký tình nguyện viên")
        verbose_name_plural = _("đăng ký tình nguyện viên")
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
        PENDING = "pending", _("Chờ nhập mã")
        CLAIMED = "claimed", _("Đã nhận")
        LOCKED = "locked", _("Nhập sai quá số lần")
        UNSENT = "unsent", _("Không gửi được mã")
        REPLACED = "replaced", _("Đã thay bằng mã mới")

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
        verbose_name = _("nhận lại phản ánh")
        verbose_name_plural = _("nhận lại phản ánh")
        indexes = [models.Index(fields=["report", "created_at"])]

    def __str__(self) -> str:
        return gettext("Nhận phản ánh #%(id)s (%(state)s)") % {
            "id": self.report_id,
            "state": self.state,
        }
