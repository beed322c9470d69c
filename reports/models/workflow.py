from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from reports.models.reports import Report


class Transition(models.Model):
    """One event in a report's life: who moved it, when, from which status to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", pgettext_lazy("event", "Gửi phản ánh")
        REJECT = "reject", pgettext_lazy("event", "Từ chối")
        ASSIGN = "assign", pgettext_lazy("event", "Chuyển cơ quan xử lý")
        START = "start", pgettext_lazy("event", "Bắt đầu xử lý")
        REQUEST_EXTENSION = "request_extension", pgettext_lazy("event", "Xin gia hạn")
        APPROVE_EXTENSION = "approve_extension", pgettext_lazy("event", "Duyệt gia hạn")
        DENY_EXTENSION = "deny_extension", pgettext_lazy("event", "Không duyệt gia hạn")
        INVITE = "invite", pgettext_lazy("event", "Mời phối hợp")
        SEND_BACK = "send_back", pgettext_lazy("event", "Chuyển lại IOC")
        SUBMIT_RESULT = "submit_result", pgettext_lazy("event", "Gửi kết quả")
        PUBLISH = "publish", pgettext_lazy("event", "Duyệt và công bố kết quả")
        RETURN_RESULT = "return_result", pgettext_lazy("event", "Trả lại kết quả")
        RATE = "rate", pgettext_lazy("event", "Đánh giá")
        REPLY = "reply", pgettext_lazy("event", "Phản hồi kết quả")
        REOPEN = "reopen", pgettext_lazy("event", "Mở lại")
        HIDE = "hide", pgettext_lazy("event", "Ẩn khỏi công khai")
        UNHIDE = "unhide", pgettext_lazy("event", "Bỏ ẩn")
        HIDE_APPROVE = "hide_approve", pgettext_lazy("event", "Giám sát duyệt ẩn")
        MERGE = "merge", pgettext_lazy("event", "Gộp phản ánh trùng")
        MERGED_IN = "merged_in", pgettext_lazy("event", "Nhận phản ánh trùng")
        OVERDUE = "overdue", pgettext_lazy("event", "Quá hạn")
        STATUS_NOTICE = "status_notice", pgettext_lazy("event", "Thông báo tình trạng")
        RECATEGORIZE = "recategorize", pgettext_lazy("event", "Đổi lĩnh vực")
        ASSIGN_OFFICER = "assign_officer", pgettext_lazy("event", "Phân công cán bộ xử lý")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=30, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Report.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Report.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Stored at the time, so the timeline never needs the actor's name (which for the
    # reporter would reveal their identity).
    actor_label = models.CharField(max_length=250, blank=True)
    reason = models.TextField(blank=True)
    public = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("diễn biến")
        verbose_name_plural = _("diễn biến")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.report_id} {self.action}: {self.from_status} → {self.to_status}"

    @property
    def actor_label_shown(self) -> str:
        """The stored label in the reader's language: a role's is translated (its Vietnamese is
        the message id, reports.services.common.actor_label), an agency's name stays as is."""
        return gettext(self.actor_label) if self.actor_label else ""


class Assignment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(
        "routing_rules.Agency", on_delete=models.PROTECT, related_name="assignments"
    )
    suggested_agency = models.ForeignKey(
        "routing_rules.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(_("lý do chọn khác đề xuất"), blank=True)
    explanation = models.JSONField(default=list, blank=True)
    coordinators = models.ManyToManyField(
        "routing_rules.Agency", blank=True, related_name="coordinated_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"], condition=models.Q(active=True), name="one_active_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.report_id} → {self.agency_id}"


class Extension(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        DENIED = "denied", pgettext_lazy("state", "Không duyệt")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="extensions")
    agency = models.ForeignKey("routing_rules.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("lý do"))
    days = models.PositiveSmallIntegerField(_("số ngày làm việc"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gia hạn")
        verbose_name_plural = _("gia hạn")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("#%(id)s +%(days)s ngày (%(state)s)") % {
            "id": self.report_id,
            "days": self.days,
            "state": self.state,
        }


class Result(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Chờ duyệt")
        PUBLISHED = "published", _("Đã duyệt")
        RETURNED = "returned", _("Bị trả lại")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="results")
    agency = models.ForeignKey("routing_rules.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("kết quả xử lý"))
    edited_text = models.TextField(_("nội dung đã biên tập"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUBMITTED)
    # False when the reporter asked for the result to be sent to them only.
    is_public = models.BooleanField(default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả xử lý")
        verbose_name_plural = _("kết quả xử lý")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return gettext("Kết quả #%(pk)s của phản ánh #%(id)s") % {
            "pk": self.pk,
            "id": self.report_id,
        }

    @property
    def final_text(self) -> str:
        return self.edited_text or self.text


class Rating(models.Model):
    class Value(models.TextChoices):
        SATISFIED = "satisfied", _("Hài lòng")
        ACCEPTABLE = "acceptable", _("Chấp nhận được")
        UNSATISFIED = "unsatisfied", _("Không hài lòng")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="ratings")
    result = models.OneToOneField(Result, on_delete=models.CASCADE, related_name="rating")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("mức độ hài lòng"), max_length=12, choices=Value.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")

    def __str__(self) -> str:
        return f"#{self.report_id}: {self.value}"


class Comment(models.Model):
    """A public reply between citizen and handler, or an internal note only staff see."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=250)
    body = models.TextField(_("nội dung"))
    internal = models.BooleanField(_("ghi chú nội bộ"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trao đổi")
        verbose_name_plural = _("trao đổi")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return gettext("Trao đổi #%(pk)s về phản ánh #%(id)s") % {
            "pk": self.pk,
            "id": self.report_id,
        }

    @property
    def author_label_shown(self) -> str:
        """As Transition.actor_label_shown: a role's label translated, an agency's name kept."""
        return gettext(self.author_label) if self.author_label else ""
