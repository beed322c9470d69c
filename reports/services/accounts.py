"""Citizen registration (passwords hashed with Argon2 by the configured hashers)."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from reports.errors import ReportInvalid
from reports.models import Role, User


@transaction.atomic
def user_register(
    *, username: str, password: str, full_name: str, phone: str, email: str = ""
) -> User:
    username = (username or "").strip()
    if not username:
        raise ReportInvalid("Cần nhập tên đăng nhập.", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise ReportInvalid("Tên đăng nhập đã được dùng.", field="username")
    if not (full_name or "").strip():
        raise ReportInvalid("Cần nhập họ và tên.", field="full_name")
    if not (phone or "").strip():
        raise ReportInvalid("Cần nhập số điện thoại.", field="phone")
    user = User(
        username=username,
        full_name=full_name.strip(),
        phone=phone.strip(),
        email=(email or "").strip(),
        role=Role.CITIZEN,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ReportInvalid(" ".join(exc.messages), field="password") from exc
    user.set_password(password)
    user.save()
    return user
