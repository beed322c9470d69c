from django.conf import settings
from django.db import models

from reports.models.reports import Report


class Transition(models.Model):
    """One event in a report's life: who moved it, when, from which status to which, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "Gửi phản ánh"
        REJECT = "reject", "Từ chối"
        ASSIGN = "assign", "Chuyển cơ quan xử lý"
        START = "start", "Bắt đầu xử lý"
        REQUEST_EXTENSION = "request_extension", "Xin gia hạn"
        APPROVE_EXTENSION = "approve_extension", "Duyệt gia hạn"
        DENY_EXTENSION = "deny_extension", "Không duyệt gia hạn"
        INVITE = "invite", "Mời phối hợp"
        SEND_BACK = "send_back", "Chuyển lại IOC"
        SUBMIT_RESULT = "submit_result", "Gửi kết quả"
        PUBLISH = "publish", "Duyệt và công bố kết quả"
        RETURN_RESULT = "return_result", "Trả lại kết quả"
        RATE = "rate", "Đánh giá"
        REPLY = "reply", "Phản hồi kết quả"
        REOPEN = "reopen", "Mở lại"
        HIDE = "hide", "Ẩn khỏi công khai"
        UNHIDE = "unhide", "Bỏ ẩn"
        HIDE_APPROVE = "hide_approve", "Giám sát duyệt ẩn"
        MERGE = "merge", "Gộp phản ánh trùng"
        MERGED_IN = "merged_in", "Nhận phản ánh trùng"
        OVERDUE = "overdue", "Quá hạn"
        STATUS_NOTICE = "status_notice", "Thông báo tình trạng"
        RECATEGORIZE = "recategorize", "Đổi lĩnh vực"

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
        verbose_name = "diễn biến"
        verbose_name_plural = "diễn biến"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.report_id} {self.action}: {self.from_status} → {self.to_status}"


class Assignment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(
        "routing_rules.Agency", on_delete=models.PROTECT, related_name="assignments"
    )
    suggested_agency = models.ForeignKey(
        "routing_rules.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField("lý do chọn khác đề xuất", blank=True)
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
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
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
        PENDING = "pending", "Chờ duyệt"
        APPROVED = "approved", "Đã duyệt"
        DENIED = "denied", "Không duyệt"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="extensions")
    agency = models.ForeignKey("routing_rules.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField("lý do")
    days = models.PositiveSmallIntegerField("số ngày làm việc")
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
        verbose_name = "gia hạn"
        verbose_name_plural = "gia hạn"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.report_id} +{self.days} ngày ({self.state})"


class Result(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", "Chờ duyệt"
        PUBLISHED = "published", "Đã duyệt"
        RETURNED = "returned", "Bị trả lại"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="results")
    agency = models.ForeignKey("routing_rules.Agency", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("kết quả xử lý")
    edited_text = models.TextField("nội dung đã biên tập", blank=True)
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
        verbose_name = "kết quả xử lý"
        verbose_name_plural = "kết quả xử lý"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Kết quả #{self.pk} của phản ánh #{self.report_id}"

    @property
    def final_text(self) -> str:
        return self.edited_text or self.text


class Rating(models.Model):
    class Value(models.TextChoices):
        SATISFIED = "satisfied", "Hài lòng"
        ACCEPTABLE = "acceptable", "Chấp nhận được"
        UNSATISFIED = "unsatisfied", "Không hài lòng"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="ratings")
    result = models.OneToOneField(Result, on_delete=models.CASCADE, related_name="rating")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    value = models.CharField("mức độ hài lòng", max_length=12, choices=Value.choices)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "đánh giá"
        verbose_name_plural = "đánh giá"

    def __str__(self) -> str:
        return f"#{self.report_id}: {self.value}"


class Comment(models.Model):
    """A public reply between citizen and handler, or an internal note only staff see."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(max_length=250)
    body = models.TextField("nội dung")
    internal = models.BooleanField("ghi chú nội bộ", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "trao đổi"
        verbose_name_plural = "trao đổi"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Trao đổi #{self.pk} về phản ánh #{self.report_id}"
