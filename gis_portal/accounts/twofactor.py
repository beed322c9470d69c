"""Two-factor sign-in (TOTP, django-otp) for every account that can read a reporter's identity:
the IOC, supervisors and administrators (the reports policy says who they are; anyone who may
enter the Django admin too). django_otp's OTPMiddleware marks a session verified; the middleware
below keeps such an account on the verify (or first-time enrolment) page until it is."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from reports.models import User
from reports.policy import user_needs_two_factor
from reports.policy.roles import AnyUser
from reports.record_text import record_text

# The device's stored name (shown in the admin), in the portal's language.
DEVICE_NAME = record_text("Ứng dụng xác thực")
CODE_WRONG_MESSAGE = _("Mã xác thực không đúng hoặc đã hết hạn.")
VERIFY_NEEDED_MESSAGE = _(
    "Tài khoản này cần xác thực hai lớp: hãy nhập mã từ ứng dụng xác thực tại %(url)s trước "
    "khi tiếp tục."
)
ENROL_NEEDED_MESSAGE = _(
    "Tài khoản này cần xác thực hai lớp: hãy thiết lập ứng dụng xác thực tại %(url)s trước "
    "khi tiếp tục."
)

# Pages an account still waiting for its second factor may open, by URL name.
OPEN_VIEWS = frozenset(
    {
        "twofactor:verify",
        "twofactor:enrol",
        "reports-web:logout",
        "admin:logout",
        "privacy:notice",
        "auth-token",
        "auth-logout",
        "auth-logout-all",
    }
)


def session_verified(user: AnyUser) -> bool:
    """Whether OTPMiddleware found a confirmed device of this user in the session."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def device_confirmed_get(*, user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def device_enrolment_get(*, user: User) -> TOTPDevice:
    """The unconfirmed device being set up (the same secret on every reload until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def devices_reset(*, user: User) -> int:
    """Forget the account's authenticator (a lost phone): it enrols again at its next sign-in."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    return deleted


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    retry_after: int = 0  # seconds to wait when too many wrong codes were entered

    @property
    def message(self) -> str:
        if self.retry_after:
            return gettext(
                "Đã nhập sai mã nhiều lần: hãy chờ %(seconds)s giây rồi nhập mã mới từ ứng dụng "
                "xác thực."
            ) % {"seconds": self.retry_after}
        return str(CODE_WRONG_MESSAGE)


def code_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Check a code with django-otp's rules: each code is used once, and wrong codes make the
    device wait exponentially longer (1, 2, 4, … seconds) before the next try."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, data = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(ok=False, retry_after=_seconds_until(data))
        code = (code or "").strip().replace(" ", "")
        if not (code.isdigit() and len(code) == device.digits):
            device.throttle_increment(commit=True)
            return CodeCheck(ok=False)
        return CodeCheck(ok=device.verify_token(code))


def _seconds_until(data: dict | None) -> int:
    until = (data or {}).get("locked_until")
    if until is None:
        return 1
    return max(1, int((until - timezone.now()).total_seconds()) + 1)


def session_verify(request: HttpRequest, *, device: TOTPDevice) -> None:
    """Mark the session verified by `device`, under a new session key (the account's rights
    grow here, as at a sign-in)."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user_id, confirmed=False).delete()
    request.session.cycle_key()
    otp_login(request, device)


def step_url(*, user: User, next_url: str = "") -> tuple[str, bool]:
    """Where the account goes next, and whether that is the first-time enrolment."""
    enrol = device_confirmed_get(user=user) is None
    url = reverse("twofactor:enrol" if enrol else "twofactor:verify")
    return (f"{url}?{urlencode({'next': next_url})}" if next_url else url), enrol


class TwoFactorMiddleware:
    """After OTPMiddleware: a signed-in account that needs two-factor sign-in and whose session
    is not verified reaches only the verify or enrolment page (the admin included); the API
    through the session answers 403 in JSON. Token requests are not seen here: a token is
    issued to such an account only with a valid code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if not user_needs_two_factor(user) or session_verified(user):
            return None
        match = request.resolver_match
        if (match and match.view_name in OPEN_VIEWS) or request.path.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            return None
        if request.path.startswith("/api/"):
            url, enrol = step_url(user=user)
            message = (ENROL_NEEDED_MESSAGE if enrol else VERIFY_NEEDED_MESSAGE) % {"url": url}
            body = {"error": message, "field": "non_field_errors", "two_factor_url": url}
            return JsonResponse(body, status=403)
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(step_url(user=user, next_url=next_url)[0])
