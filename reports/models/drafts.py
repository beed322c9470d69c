from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ReportDraft(models.Model):
    """What a channel without a form (e-mail, Zalo, hotline…) brought in, before it is a report:
    the IOC completes the place or the category, then it is filed as any report. Holds the
    sender's identity, as confidential as ReporterIdentity's; wiped once filed or discarded."""

    class State(models.TextChoices):
        OPEN = "open", _("Chờ IOC bổ sung")
        FILED = "filed", _("Đã thành phản ánh")
        DISCARDED = "discarded", _("Đã loại")

    channel = models.CharField(_("kênh tiếp nhận"), max_length=10)
    # The channel's own id of the message (Message-ID, Zalo msg_id): a redelivery is the same draft.
    external_id = models.CharField(max_length=255, null=True, blank=True)
    # Whom the channel answers (a Zalo user id, an e-mail address); confidential.
    sender = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tài khoản người phản ánh"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập hộ"),
    )
    title = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    description = models.TextField(_("nội dung"), blank=True)
    point = models.PointField(_("vị trí"), srid=4326, null=True, blank=True)
    location_source = models.CharField(max_length=10, blank=True)
    category = models.ForeignKey(
        "routing_rules.Category",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("lĩnh vực"),
    )
    urgent = models.BooleanField(_("khẩn cấp"), default=False)
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    report = models.OneToOneField(
        "reports.Report", on_delete=models.PROTECT, null=True, blank=True, related_name="draft"
    )
    discard_reason = models.TextField(_("lý do loại"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phản ánh chờ bổ sung")
        verbose_name_plural = _("phản ánh chờ bổ sung")
        ordering = ["-urgent", "created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="draft_channel_external_id_unique",
            )
        ]

    def __str__(self) -> str:
        return gettext("Bản nháp #%(pk)s (%(channel)s)") % {"pk": self.pk, "channel": self.channel}


class DraftMedia(models.Model):
    """A photo or video of a draft, already cleaned and stored; it becomes the report's."""

    draft = models.ForeignKey(ReportDraft, on_delete=models.CASCADE, related_name="media")
    file = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
