from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class Notification(models.Model):
    """An in-app message (also e-mailed). Never carries the reporter's identity."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    transition = models.ForeignKey(
        "reports.Transition", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "reports.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=250)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A retried task must not notify twice for the same event.
            models.UniqueConstraint(fields=["user", "transition"], name="notify_once_per_event"),
            models.UniqueConstraint(fields=["user", "comment"], name="notify_once_per_comment"),
        ]

    def __str__(self) -> str:
        return self.title


class AuditLog(models.Model):
    """Who read a reporter's identity or a citizen's account data (or hid a report), when and
    why — never the value read. Append-only: a database trigger (migration 0005) refuses
    UPDATE, DELETE and TRUNCATE, whatever role asks."""

    class Action(models.TextChoices):
        IDENTITY_READ = "identity_read", _("Xem danh tính người phản ánh")
        ACCOUNT_READ = "account_read", _("Xem dữ liệu tài khoản người dân")
        TOKEN_READ = "token_read", _("Xem khóa truy cập API")
        ACCOUNT_ERASE = "account_erase", _("Xóa dữ liệu cá nhân theo yêu cầu")
        HIDE = "hide", _("Ẩn phản ánh")
        UNHIDE = "unhide", _("Bỏ ẩn phản ánh")
        REPORT_CLAIM = "report_claim", _("Người dân nhận lại phản ánh gửi hộ")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    # PROTECT (and the trigger) keep a report or an account from taking its audit trail with it.
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản được xem"),
    )
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhật ký kiểm soát")
        verbose_name_plural = _("nhật ký kiểm soát")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(report__isnull=False) | models.Q(subject_user__isnull=False),
                name="auditlog_names_what_was_read",
            )
        ]

    def __str__(self) -> str:
        target = (
            f"#{self.report_id}"
            if self.report_id
            else gettext("tài khoản %(id)s") % {"id": self.subject_user_id}
        )
        return f"{self.action} {target} ({self.created_at:%d/%m/%Y %H:%M})"


class IdempotencyKey(models.Model):
    """Remembers a submission by its Idempotency-Key so a retried POST creates nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khóa chống gửi lặp")
        verbose_name_plural = _("khóa chống gửi lặp")
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
