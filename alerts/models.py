"""Area alerts (as FixMyStreet has): a signed-in user hears of new public reports and of
published results in a commune, a former district or a circle around a point."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A circle smaller than a street corner or wider than a former district is not an "area".
RADIUS_MIN_M = 100
RADIUS_MAX_M = 10_000


class AreaAlert(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune", gettext_lazy("Xã/phường")
        DISTRICT = "district", gettext_lazy("Huyện (cũ)")
        CIRCLE = "circle", gettext_lazy("Vùng tròn quanh một điểm")

    class What(models.TextChoices):
        NEW = "new", gettext_lazy("Phản ánh mới được công khai")
        RESULTS = "results", gettext_lazy("Kết quả xử lý được công bố")
        BOTH = "both", gettext_lazy("Cả phản ánh mới và kết quả")

    class Channel(models.TextChoices):
        IN_APP = "in_app", gettext_lazy("Thông báo trên cổng")
        EMAIL = "email", gettext_lazy("Thư điện tử")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_alerts"
    )
    kind = models.CharField(gettext_lazy("loại khu vực"), max_length=10, choices=Kind.choices)
    unit = models.ForeignKey(
        "boundaries.AdminUnit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("xã/phường hoặc huyện (cũ)"),
    )
    # Geography, so that ST_DWithin measures metres and the GiST index Django creates serves it.
    point = models.PointField(gettext_lazy("tâm"), srid=4326, geography=True, null=True, blank=True)
    radius_m = models.PositiveIntegerField(gettext_lazy("bán kính (m)"), null=True, blank=True)
    what = models.CharField(
        gettext_lazy("nhận tin về"), max_length=10, choices=What.choices, default=What.BOTH
    )
    channel = models.CharField(
        gettext_lazy("kênh nhận"), max_length=10, choices=Channel.choices, default=Channel.IN_APP
    )
    # Alerts are made by signed-in users only, so they are confirmed when made; an unsubscribe
    # link switches one off (kept, so that the link answers the same when clicked again).
    active = models.BooleanField(gettext_lazy("đang bật"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("theo dõi khu vực")
        verbose_name_plural = gettext_lazy("theo dõi khu vực")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The matching query probes alerts by the report's commune and former district.
            models.Index(fields=["unit"], condition=Q(active=True), name="areaalert_active_unit"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="circle", unit__isnull=True, point__isnull=False)
                    & Q(radius_m__gte=RADIUS_MIN_M, radius_m__lte=RADIUS_MAX_M)
                )
                | (
                    Q(kind__in=["commune", "district"], unit__isnull=False)
                    & Q(point__isnull=True, radius_m__isnull=True)
                ),
                name="areaalert_shape",
            ),
            models.UniqueConstraint(
                fields=["user", "unit"], condition=Q(unit__isnull=False), name="areaalert_unit_once"
            ),
            models.UniqueConstraint(
                fields=["user", "point", "radius_m"],
                condition=Q(kind="circle"),
                name="areaalert_circle_once",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} ({self.user_id})"

    @property
    def area_label(self) -> str:
        if self.kind == self.Kind.CIRCLE and self.point is not None:
            return _("Bán kính %(r)s m quanh %(lat).5f, %(lon).5f") % {
                "r": self.radius_m,
                "lat": self.point.y,
                "lon": self.point.x,
            }
        return self.unit.display_name if self.unit_id else ""


class AlertDelivery(models.Model):
    """That one user heard (or is being e-mailed) of one event through an alert: the fan-out
    writes these with ON CONFLICT DO NOTHING, so an event delivered twice alerts nobody twice,
    and a user whose several alerts match hears once."""

    class Kind(models.TextChoices):
        NEW = "new", gettext_lazy("Phản ánh mới")
        RESULTS = "results", gettext_lazy("Kết quả")

    alert = models.ForeignKey(AreaAlert, on_delete=models.CASCADE, related_name="deliveries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    transition = models.ForeignKey("reports.Transition", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("tin theo dõi khu vực đã gửi")
        verbose_name_plural = gettext_lazy("tin theo dõi khu vực đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["user", "transition"], name="alert_once_per_event")
        ]
