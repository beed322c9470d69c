from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "Người dân"
    IOC_OPERATOR = "ioc_operator", "Cán bộ IOC"
    AGENCY_OFFICER = "agency_officer", "Cán bộ cơ quan xử lý"
    SUPERVISOR = "supervisor", "Giám sát cấp tỉnh"
    PLANNER = "planner", "Phân tích, quy hoạch"
    VOLUNTEER = "volunteer", "Tình nguyện viên hỗ trợ"
    ADMIN = "admin", "Quản trị"


class User(AbstractUser):
    """Portal account. Created at project start so later roles need no user-model swap."""

    full_name = models.CharField("họ và tên", max_length=200, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, default=Role.CITIZEN)
    agency = models.ForeignKey(
        "routing_rules.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name="cơ quan",
    )

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="agency_officer") | models.Q(agency__isnull=False),
                name="agency_officer_has_agency",
            )
        ]

    def __str__(self) -> str:
        return self.username
