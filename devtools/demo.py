"""A portal a newcomer can walk through: a few thousand synthetic reports and one account per
role. Never under production settings: the passwords are printed on the console."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from devtools.synthetic import synthetic_count, synthetic_generate
from reports.models import Report, Role, User
from routing_rules.models import Agency

DEMO_TAG = "demo"
PRODUCTION_SETTINGS = "gis_portal.settings.production"


class DemoRefused(Exception):
    pass


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    label: str
    password: str
    agency: str = ""


# username, role, what the newcomer can try with it
DEMO_ROLES = (
    ("demo-nguoidan", Role.CITIZEN, "gửi, theo dõi, đánh giá phản ánh"),
    ("demo-tinhnguyen", Role.VOLUNTEER, "gửi hộ người dân"),
    ("demo-ioc", Role.IOC_OPERATOR, "tiếp nhận, chuyển xử lý, duyệt kết quả"),
    ("demo-canbo", Role.AGENCY_OFFICER, "xử lý phản ánh của cơ quan"),
    ("demo-truongdonvi", Role.AGENCY_OFFICER, "phân công cán bộ, khối lượng việc"),
    ("demo-giamsat", Role.SUPERVISOR, "giám sát, duyệt ẩn phản ánh"),
    ("demo-quyhoach", Role.PLANNER, "bản đồ nhiệt, điểm nóng, thống kê"),
    ("demo-quantri", Role.ADMIN, "trang quản trị"),
)


# The demo officer who heads the unit (assigns the agency's cases to its officers).
UNIT_HEAD_USERNAME = "demo-truongdonvi"


def demo_refuse_in_production() -> None:
    if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS:
        raise DemoRefused(
            "Dữ liệu và tài khoản mẫu không được nạp với cấu hình production "
            "(mật khẩu được in ra màn hình)."
        )


def _busiest_agency() -> Agency | None:
    """The agency with the most demo reports, so the officer's queue is not empty."""
    busiest = (
        Report.objects.filter(current_agency__isnull=False)
        .values("current_agency")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return Agency.objects.filter(is_active=True, kind=Agency.Kind.COMMUNE_UBND).first()
    return Agency.objects.get(pk=busiest["current_agency"])


def demo_accounts_reset() -> list[DemoAccount]:
    """Create the demo accounts, or give them new passwords; returns them with the passwords."""
    demo_refuse_in_production()
    agency = _busiest_agency()
    accounts = []
    with transaction.atomic():
        for username, role, label in DEMO_ROLES:
            if role == Role.AGENCY_OFFICER and agency is None:
                continue
            officer_agency = agency if role == Role.AGENCY_OFFICER else None
            user, _ = User.objects.get_or_create(
                username=username, defaults={"role": role, "agency": officer_agency}
            )
            password = secrets.token_urlsafe(9)
            user.role = role
            user.full_name = f"Tài khoản mẫu ({Role(role).label})"
            user.agency = officer_agency
            user.unit_head = username == UNIT_HEAD_USERNAME
            user.is_staff = user.is_superuser = role == Role.ADMIN
            user.set_password(password)
            user.save()
            accounts.append(
                DemoAccount(
                    username=username,
                    role=Role(role).label,
                    label=label,
                    password=password,
                    agency=agency.name if user.agency else "",
                )
            )
    return accounts


def demo_reports_load(*, count: int, progress=None) -> int:
    """The demo reports, written once: a second run keeps those already there."""
    demo_refuse_in_production()
    existing = synthetic_count(tag=DEMO_TAG)
    if existing >= count:
        return 0
    return synthetic_generate(tag=DEMO_TAG, count=count, seed=42, progress=progress)
