"""Sign-in hardening: django-axes' hooks and the API token endpoint it watches.

Axes counts failed sign-ins per username and client address (settings.AXES_*) on every path
that calls `authenticate(request=…)`: the web form, the admin and the token endpoint below.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken

from gis_portal.throttles import PortalScopedThrottle

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


class SignInLocked(Exception):
    """The token endpoint's lockout, answered by the portal's exception handler."""

    status_code = 429
    field = "non_field_errors"

    def __init__(self):
        self.message = settings.AXES_COOLOFF_MESSAGE
        self.headers = {"Retry-After": str(lockout_seconds())}
        super().__init__(self.message)


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out web or admin sign-in sees (429 with Retry-After; JSON for scripts)."""
    message = settings.AXES_COOLOFF_MESSAGE
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response = JsonResponse({"error": message, "field": "non_field_errors"}, status=429)
    else:
        response = render(request, "signin_locked.html", {"message": message}, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(label="Tên đăng nhập", max_length=USERNAME_MAX)
    password = serializers.CharField(
        label="Mật khẩu", max_length=128, trim_whitespace=False, write_only=True
    )

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        user = authenticate(request=request, username=attrs["username"], password=attrs["password"])
        # Axes flags the request it was given (DRF's), not Django's, so the view answers here.
        if getattr(request, "axes_locked_out", False):
            raise SignInLocked()
        if user is None:
            raise serializers.ValidationError(
                "Tên đăng nhập hoặc mật khẩu không đúng.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenLoginView(ObtainAuthToken):
    """POST username and password, get the account's API token (locked out like the web form,
    and limited per client address)."""

    serializer_class = TokenLoginSerializer
    throttle_classes = [PortalScopedThrottle]
    throttle_scope = "auth-token"

    @extend_schema(
        request=TokenLoginSerializer,
        responses=inline_serializer("AuthToken", {"token": serializers.CharField()}),
        operation_id="auth_token_create",
    )
    def post(self, request, *args, **kwargs) -> HttpResponse:
        return super().post(request, *args, **kwargs)
