"""The one validation of what a citizen sends, whatever the channel (API, web form, Open311).

Each check raises ReportInvalid naming the field in the caller's terms, in Vietnamese, so a
bad value is a clear 400 and never reaches the database (a NUL byte there would be a 500).
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

from reports.errors import ReportInvalid

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_PATTERN = r"^\+?[0-9 .-]{8,15}$"
PHONE_RE = re.compile(PHONE_PATTERN)
# Line breaks and tabs are text; every other control character (NUL included) is not.
_ALLOWED_CONTROLS = {"\n", "\t"}


def input_text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()
    if any(unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS for ch in text):
        raise ReportInvalid(
            _("%(label)s chứa ký tự điều khiển không hợp lệ.") % {"label": label}, field=field
        )
    if required and not text:
        raise ReportInvalid(_("Cần nhập %(label)s.") % {"label": label.lower()}, field=field)
    if len(text) > max_length:
        raise ReportInvalid(
            _("%(label)s dài quá %(max)s ký tự.") % {"label": label, "max": max_length},
            field=field,
        )
    return text


def input_phone(value, *, field: str = "phone", required: bool = True) -> str:
    phone = str(value or "").strip()
    if not phone:
        if required:
            raise ReportInvalid(_("Cần nhập số điện thoại người phản ánh."), field=field)
        return ""
    if not PHONE_RE.match(phone):
        raise ReportInvalid(
            _("Số điện thoại không hợp lệ (8–15 chữ số, có thể bắt đầu bằng +)."), field=field
        )
    return phone


def input_email(value, *, field: str = "email") -> str:
    email = str(value or "").strip()
    if not email:
        return ""
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ReportInvalid(_("Địa chỉ thư điện tử không hợp lệ."), field=field) from None
    if len(email) > EMAIL_MAX:
        raise ReportInvalid(
            _("Địa chỉ thư điện tử dài quá %(max)s ký tự.") % {"max": EMAIL_MAX}, field=field
        )
    return email


def _coordinate(value, *, field: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ReportInvalid(
            _("%(field)s phải là một số (độ thập phân WGS 84).") % {"field": field}, field=field
        ) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ReportInvalid(
            _("%(field)s phải nằm trong khoảng %(low)s đến %(high)s.")
            % {"field": field, "low": low, "high": high},
            field=field,
        )
    return number


def input_point(lon, lat, *, lon_field: str = "lon", lat_field: str = "lat") -> tuple[float, float]:
    """A WGS 84 point from any channel's two values (strings or numbers)."""
    return (
        _coordinate(lon, field=lon_field, low=-180, high=180),
        _coordinate(lat, field=lat_field, low=-90, high=90),
    )


@dataclass(frozen=True)
class ReportInput:
    title: str
    description: str
    lon: float
    lat: float
    full_name: str
    phone: str
    email: str


def report_input_clean(
    *,
    title,
    description,
    lon,
    lat,
    full_name,
    phone,
    email,
    fields: dict | None = None,
    phone_required: bool = True,
) -> ReportInput:
    """Every rule a new report's own fields obey; `fields` renames them for a channel whose
    clients know them by other names (Open311: long, first_name). A channel that answers the
    reporter itself (e-mail, Zalo) may leave the phone out."""
    name = {"lon": "lon", "lat": "lat", "full_name": "full_name", **(fields or {})}
    point = input_point(lon, lat, lon_field=name["lon"], lat_field=name["lat"])
    return ReportInput(
        title=input_text(title, field="title", label=_("Tiêu đề"), max_length=TITLE_MAX),
        description=input_text(
            description, field="description", label=_("Nội dung"), max_length=DESCRIPTION_MAX
        ),
        lon=point[0],
        lat=point[1],
        full_name=input_text(
            full_name,
            field=name["full_name"],
            label=_("Họ và tên người phản ánh"),
            max_length=NAME_MAX,
        ),
        phone=input_phone(phone, required=phone_required),
        email=input_email(email),
    )
