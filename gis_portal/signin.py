"""Sign-in hardening: django-axes' hooks and the API token endpoints it watches.

Axes counts failed sign-ins per username and client address (settings.AXES_*) on every path
that calls `authenticate(request=…)`: the web form, the admin and the token endpoint below; a
wrong two-factor code on the token endpoint counts as a failed sign-in too.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, renderers, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gis_portal.accounts.tokens import (
    PortalTokenAuthentication,
    token_issue,
    token_revoke,
    tokens_revoke,
)
from gis_portal.accounts.twofactor import (
    code_check,
    device_confirmed_get,
)
from gis_portal.throttles import PortalScopedThrottle
from reports.policy import user_needs_two_factor

USERNAME_MAX = 150


def attempt_username(request, credentials: dict | None) -> str | None:
    """The username axes records: bounded and without NUL bytes, so no input can make the
    attempt row fail to save (a 500) or bloat the table."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None) or request.POST
        username = data.get("username")
    if not isinstance(username, str):
        return None
    return username.replace("\x00", "")[:USERNAME_MAX]


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_message() -> str:
    """django-axes' lockout text, in the reader's language (axes itself shows it nowhere:
    both its answers are ours)."""
    return gettext(
        "Đăng nhập sai quá nhiều lần: tài khoản này tạm bị khóa đăng nhập từ địa chỉ của bạn "
        "trong %(minutes)s phút. Hãy thử lại sau, hoặc liên hệ Trung tâm IOC nếu quên mật khẩu."
    ) % {"minutes": f"{settings.AXES_COOLOFF_TIME.total_seconds() / 60:g}"}


class SignInLocked(Exception):
    """The token endpoint's lockout, answered by the portal's exception handler."""

    status_code = 429
    field = "non_field_errors"

    def __init__(self):
        self.message = lockout_message()
        self.headers = {"Retry-After": str(lockout_seconds())}
        super().__init__(self.message)


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out web or admin sign-in sees (429 with Retry-After; JSON for scripts)."""
    message = lockout_message()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message, "field": "non_field_errors"}, status=429)
    else:
        response = render(request, "signin_locked.html", {"message": message}, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


class TwoFactorThrottled(Exception):
    """Too many wrong codes for this account's authenticator: wait before the next one."""

    status_code = 429
    field = "otp"

    def __init__(self, message: str, retry_after: int):
        self.message = message
        self.headers = {"Retry-After": str(retry_after)}
        super().__init__(message)


OTP_MISSING_MESSAGE = _(
    "Tài khoản này cần xác thực hai lớp: gửi kèm mã 6 chữ số từ ứng dụng xác thực."
)
OTP_NOT_ENROLLED_MESSAGE = _(
    "Tài khoản này cần xác thực hai lớp nhưng chưa thiết lập ứng dụng xác thực: hãy đăng nhập "
    "trang web một lần để thiết lập."
)


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("Tên đăng nhập"), max_length=USERNAME_MAX)
    password = serializers.CharField(
        label=_("Mật khẩu"), max_length=128, trim_whitespace=False, write_only=True
    )
    otp = serializers.CharField(
        label=_("Mã xác thực hai lớp"),
        help_text=_("Bắt buộc với tài khoản IOC, giám sát và quản trị: 6 chữ số từ ứng dụng."),
        max_length=10,
        required=False,
        allow_blank=True,
        write_only=True,
    )

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        # Axes flags the request it was given (DRF's), not Django's, so the view answers here.
        if getattr(request, "axes_locked_out", False):
            raise SignInLocked()
        if user is None:
            raise serializers.ValidationError(
                _("Tên đăng nhập hoặc mật khẩu không đúng."), code="authorization"
            )
        if user_needs_two_factor(user):
            self._second_factor(request, user, attrs)
        attrs["user"] = user
        return attrs

    @staticmethod
    def _second_factor(request, user, attrs: dict) -> None:
        device = device_confirmed_get(user=user)
        if device is None:
            raise serializers.ValidationError({"otp": OTP_NOT_ENROLLED_MESSAGE})
        if not attrs.get("otp"):
            raise serializers.ValidationError({"otp": OTP_MISSING_MESSAGE})
        check = code_check(device=device, code=attrs["otp"])
        if check.retry_after:
            raise TwoFactorThrottled(check.message, check.retry_after)
        if not check.ok:
            user_login_failed.send(
                sender=__name__, credentials={"username": attrs["username"]}, request=request
            )
            if getattr(request, "axes_locked_out", False):
                raise SignInLocked()
            raise serializers.ValidationError({"otp": check.message})


class TokenLoginView(APIView):
    """POST username and password (and, for accounts that can read reporters' identities, the
    `otp` code), get a new API token and its expiry. Locked out like the web form, and limited
    per client address."""

    permission_classes = ()
    parser_classes = (parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser)
    renderer_classes = (renderers.JSONRenderer,)
    throttle_classes = [PortalScopedThrottle]
    throttle_scope = "auth-token"

    @extend_schema(
        request=TokenLoginSerializer,
        responses=inline_serializer(
            "AuthToken", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
        ),
        operation_id="auth_token_create",
    )
    def post(self, request, *args, **kwargs) -> HttpResponse:
        serializer = TokenLoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        issued = token_issue(user=serializer.validated_data["user"])
        expiry = serializers.DateTimeField().to_representation(issued.expiry)
        return Response({"token": issued.key, "expiry": expiry})


class TokenLogoutView(APIView):
    """Revoke the token this request is signed with."""

    authentication_classes = [PortalTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, operation_id="auth_logout_create")
    def post(self, request, *args, **kwargs) -> HttpResponse:
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenLogoutAllView(APIView):
    """Revoke every API token of the signed-in account (a lost phone, a shared computer)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, operation_id="auth_logout_all_create")
    def post(self, request, *args, **kwargs) -> HttpResponse:
        tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
