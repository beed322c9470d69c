"""Filing a report through Open311: the same report_submit as every other channel."""

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from open311.attributes import attributes_parse
from open311.models import ApiClient, Open311Request
from reports.address import address_locate
from reports.errors import ReportInvalid
from reports.inputs import DESCRIPTION_MAX, input_point, input_text
from reports.models import Report
from reports.services.submission import report_submit
from routing_rules.selectors import category_by_code

TITLE_FROM_DESCRIPTION = 120


@dataclass(frozen=True)
class Open311Submission:
    """What a client sent, already split into fields (attributes still raw strings)."""

    service_code: str
    description: str = ""
    lat: str | None = None
    long: str | None = None
    address_string: str = ""
    media_url: str = ""
    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    attributes: dict | None = None


@dataclass(frozen=True)
class Open311Outcome:
    request: Open311Request
    created: bool


def _location(data: Open311Submission) -> tuple[float, float, str]:
    has_lat = data.lat not in (None, "")
    has_long = data.long not in (None, "")
    if has_lat or has_long:
        if not (has_lat and has_long):
            raise ReportInvalid(
                _("Cần gửi cả lat và long."), field="lat" if not has_lat else "long"
            )
        lon, lat = input_point(data.long, data.lat, lon_field="long")
        return lon, lat, Report.LocationSource.PIN
    if data.address_string.strip():
        match = address_locate(text=data.address_string)
        return match.lon, match.lat, Report.LocationSource.ADDRESS
    raise ReportInvalid(_("Cần vị trí: lat và long, hoặc address_string."), field="lat")


def _full_name(first_name: str, last_name: str) -> str:
    # Vietnamese order: family name (họ = last_name) before given name (tên = first_name).
    return " ".join(part.strip() for part in (last_name, first_name) if part and part.strip())


def _title(description: str) -> str:
    first_line = description.strip().splitlines()[0].strip()
    if len(first_line) <= TITLE_FROM_DESCRIPTION:
        return first_line
    return first_line[: TITLE_FROM_DESCRIPTION - 1].rstrip() + "…"


def _check_media_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ReportInvalid(
            _("media_url không phải địa chỉ http(s) hợp lệ."), "media_url"
        ) from None
    if len(url) > 1000:
        raise ReportInvalid(_("media_url dài quá 1000 ký tự."), field="media_url")
    return url


def open311_request_submit(
    *,
    client: ApiClient,
    data: Open311Submission,
    files: list | None = None,
    idempotency_key: str | None = None,
) -> Open311Outcome:
    """Validate the Open311 fields, then file through report_submit (locate, media, identity).

    report_submit raises ReportError subclasses for its own rules (reporter name and phone,
    served area, media); they reach the client unchanged in meaning.
    """
    if not (data.service_code or "").strip():
        raise ReportInvalid(_("Thiếu service_code."), field="service_code")
    category = category_by_code(code=data.service_code.strip())
    if category is None or not category.is_active:
        raise ReportInvalid(
            _("service_code “%(code)s” không có trong danh sách dịch vụ.")
            % {"code": data.service_code},
            field="service_code",
        )
    description = input_text(
        data.description, field="description", label=_("Nội dung"), max_length=DESCRIPTION_MAX
    )
    # report_submit would fall back to the submitting account's name and phone: here that
    # account is the client application, so the reporter's own must be given.
    full_name = _full_name(data.first_name, data.last_name)
    if not full_name:
        raise ReportInvalid(
            _("Cần họ và tên người phản ánh (first_name, last_name); danh tính được giữ bí mật."),
            field="first_name",
        )
    if not (data.phone or "").strip():
        raise ReportInvalid(_("Cần số điện thoại người phản ánh (phone)."), field="phone")
    attributes = attributes_parse(data.attributes or {})
    media_url = _check_media_url(data.media_url)
    lon, lat, source = _location(data)
    with transaction.atomic():
        outcome = report_submit(
            user=client.service_user,
            category=category,
            title=attributes.title or _title(description),
            description=description,
            lon=lon,
            lat=lat,
            full_name=full_name,
            phone=(data.phone or "").strip(),
            email=(data.email or "").strip(),
            incident_at=attributes.incident_at,
            urgent=attributes.urgent,
            private_result=attributes.private_result,
            location_source=source,
            files=files,
            idempotency_key=idempotency_key,
            input_fields={"lon": "long", "full_name": "first_name"},
            channel=Report.Channel.OPEN311,
        )
        if not outcome.created:
            existing = Open311Request.objects.filter(report=outcome.report).first()
            if existing is not None:
                return Open311Outcome(request=existing, created=False)
        try:
            with transaction.atomic():
                request = Open311Request.objects.create(
                    report=outcome.report,
                    client=client,
                    token=secrets.token_urlsafe(24),
                    media_url=media_url,
                )
        except IntegrityError:
            request = Open311Request.objects.get(report=outcome.report)
            return Open311Outcome(request=request, created=False)
    return Open311Outcome(request=request, created=outcome.created)
