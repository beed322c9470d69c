"""The citizen's own data: the privacy notice, the account page, export, correction, erasure
(pages and API). Thin: the rules live in privacy.services."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from privacy import services as privacy
from reports import inputs
from reports.errors import ReportError


def privacy_notice(request: HttpRequest) -> HttpResponse:
    context = {
        "version": settings.PRIVACY_NOTICE_VERSION,
        "retention_days": settings.REPORTS_IDENTITY_RETENTION_DAYS,
    }
    return render(request, "privacy/notice.html", context)


def _export_response(user) -> HttpResponse:
    data = json.dumps(privacy.user_data_export(user=user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-cua-toi.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        try:
            privacy.user_data_correct(
                user=user,
                full_name=request.POST.get("full_name", ""),
                phone=request.POST.get("phone", ""),
                email=request.POST.get("email", ""),
            )
        except ReportError as exc:
            messages.error(request, f"{exc.field}: {exc.message}")
        else:
            messages.success(request, _("Đã cập nhật thông tin tài khoản."))
        return redirect("privacy:account")
    response = render(request, "privacy/account.html", {"account": user})
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_export(request: HttpRequest) -> HttpResponse:
    return _export_response(request.user)


@login_required
@require_POST
def account_erase(request: HttpRequest) -> HttpResponse:
    try:
        privacy.user_erase(user=request.user, password=request.POST.get("password", ""))
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect("privacy:account")
    logout(request)
    messages.success(
        request,
        _("Đã xóa dữ liệu cá nhân của bạn. Các phản ánh vẫn được giữ, không kèm danh tính."),
    )
    return redirect("reports-web:home")


class AccountSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(max_length=inputs.NAME_MAX)
    phone = serializers.CharField(max_length=20)
    email = serializers.EmailField(required=False, allow_blank=True)


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(max_length=128)


class MeView(APIView):
    """The signed-in user's account data; PUT corrects it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=AccountSerializer)
    def get(self, request: Request) -> Response:
        response = Response(AccountSerializer(request.user).data)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(request=AccountSerializer, responses=AccountSerializer)
    def put(self, request: Request) -> Response:
        serializer = AccountSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = privacy.user_data_correct(user=request.user, **serializer.validated_data)
        return Response(AccountSerializer(user).data)


class MyDataView(APIView):
    """Everything the portal holds about the signed-in user, as JSON (Law 91/2025)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request):
        return _export_response(request.user)


class EraseView(APIView):
    """Erase the signed-in citizen's personal data (needs the password)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PasswordSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = PasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        privacy.user_erase(user=request.user, **serializer.validated_data)
        return Response(status=204)
