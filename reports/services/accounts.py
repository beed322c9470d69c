"""Citizen registration (passwords hashed with Argon2 by the configured hashers).

Registration must not tell who has an account. With usernames the citizen chooses, a taken
name has to be refused, so that refusal is made as uninformative as practical: one generic
message, given only after every check that depends on the input alone (so a weak password or a
missing phone is reported first, whatever the name), and after the password has been hashed
(so a taken name answers as slowly as a free one). The per-address sign-up limit
(settings.REST_FRAMEWORK "register", shared by the API and the web form) bounds how many names
one client can probe.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

from reports.errors import ReportInvalid
from reports.models import ProcessingConsent, Role, User
from reports.services.privacy import processing_consent_record

ACCOUNT_REFUSED = gettext_lazy(
    "Không thể tạo tài khoản với thông tin này. Hãy chọn tên đăng nhập khác rồi thử lại."
)
USERNAME_RULE = gettext_lazy(
    "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (tối đa 150 ký tự)."
)


@transaction.atomic
def user_register(
    *, username: str, password: str, full_name: str, phone: str, email: str = ""
) -> User:
    username = (username or "").strip()
    if not username:
        raise ReportInvalid(gettext("Cần nhập tên đăng nhập."), field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise ReportInvalid(USERNAME_RULE, field="username") from exc
    if len(username) > 150:
        raise ReportInvalid(USERNAME_RULE, field="username")
    if not (full_name or "").strip():
        raise ReportInvalid(gettext("Cần nhập họ và tên."), field="full_name")
    if not (phone or "").strip():
        raise ReportInvalid(gettext("Cần nhập số điện thoại."), field="phone")
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
    user.password = make_password(password)
    if User.objects.filter(username__iexact=username).exists():
        raise ReportInvalid(ACCOUNT_REFUSED, field="username")
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same name registered at the same moment
        raise ReportInvalid(ACCOUNT_REFUSED, field="username") from exc
    processing_consent_record(user=user, context=ProcessingConsent.Context.REGISTER)
    return user


def user_language_set(*, user: User, language: str) -> None:
    """Remembers the language the person chose (a code of settings.LANGUAGES, or "" for the
    portal's default): their pages after the next sign-in and their e-mails follow it."""
    if language not in {code for code, _name in settings.LANGUAGES} | {""}:
        raise ReportInvalid(translation.gettext("Ngôn ngữ không hợp lệ."), field="language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
