from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Người dân")
    IOC_OPERATOR = "ioc_operator", _("Cán bộ IOC")
    AGENCY_OFFICER = "agency_officer", _("Cán bộ cơ quan xử lý")
    SUPERVISOR = "supervisor", _("Giám sát cấp tỉnh")
    PLANNER = "planner", _("Phân tích, quy hoạch")
    VOLUNTEER = "volunteer", _("Tình nguyện viên hỗ trợ")
    ADMIN = "admin", _("Quản trị")


class User(AbstractUser):
    """Portal account. Created at project start so later roles need no user-model swap."""

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    agency = models.ForeignKey(
        "routing_rules.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("cơ quan"),
    )
    # Blank: not chosen, the portal's default (Vietnamese); pages and e-mails follow the choice.
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=settings.LANGUAGES, blank=True, default=""
    )
    # Only meaningful for an agency officer: may assign the agency's cases to its officers.
    unit_head = models.BooleanField(_("trưởng đơn vị"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="agency_officer") | models.Q(agency__isnull=False),
                name="agency_officer_has_agency",
            )
        ]

    def __str__(self) -> str:
        return self.username
