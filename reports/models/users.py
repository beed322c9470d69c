from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CITIZEN = "citizen", "Người dân"
    IOC_OPERATOR = "ioc_operator", "Cán bộ IOC"
    AGENCY_OFFICER = "agency_officer", "Cán bộ cơ quan xử lý"
    SUPERVISOR = "supervisor", "Giám sát cấp tỉnh"
    PLANNER = "planner", "Phân tích, quy hoạch"
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

    @property
    def is_ioc(self) -> bool:
        return self.role in {Role.IOC_OPERATOR, Role.SUPERVISOR, Role.ADMIN} or self.is_superuser

    @property
    def is_supervisor(self) -> bool:
        return self.role in {Role.SUPERVISOR, Role.ADMIN} or self.is_superuser

    @property
    def sees_analysis(self) -> bool:
        """Province-wide analysis (heatmaps, hotspots, exports of every report)."""
        return self.is_ioc or self.role == Role.PLANNER

    @property
    def is_agency_officer(self) -> bool:
        return self.role == Role.AGENCY_OFFICER and self.agency_id is not None

    @property
    def is_staff_role(self) -> bool:
        return self.role != Role.CITIZEN or self.is_superuser
