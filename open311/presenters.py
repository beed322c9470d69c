"""Our reports in GeoReport v2 shapes. No function here can reach the reporter's identity."""

from datetime import datetime

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from open311.attributes import ATTRIBUTES
from reports.deadlines import deadline_after
from reports.models import Rating, Report
from routing_rules.models import Category

Status = Report.Status
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2025-11-01T00:00:00+07:00"
IOC_NAME = gettext_lazy("Trung tâm IOC tỉnh Điện Biên")
KEY_SERVICE = gettext_lazy(
    "Khóa API (api_key) do quản trị viên Trung tâm IOC cấp cho từng ứng dụng."
)
PRIVATE_RESULT_NOTE = gettext_lazy(
    "Kết quả xử lý đã được gửi riêng cho người phản ánh (theo yêu cầu)."
)


def w3c(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def jurisdiction_id() -> str:
    return settings.OPEN311_JURISDICTION_ID


def discovery_as_dict(*, endpoint_url: str) -> dict:
    return {
        "changeset": CHANGESET,
        "contact": f"{IOC_NAME} — {settings.DEFAULT_FROM_EMAIL}",
        "key_service": str(KEY_SERVICE),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["application/json", "text/xml"],
            }
        ],
    }


def service_as_dict(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": True,
        "type": "realtime",
        "keywords": ", ".join(str(word) for word in category.keywords or []),
        "group": category.group,
    }


def service_definition_as_dict(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [attribute.as_dict() for attribute in ATTRIBUTES],
    }


def _is_open(report: Report) -> bool:
    return report.is_open


def status_notes(report: Report) -> str:
    """Only what the portal itself publishes: a public result, a rejection, a merge."""
    label = str(Status(report.status).label)
    if report.status == Status.PUBLISHED:
        if getattr(report, "result_public", None) is False:
            return str(PRIVATE_RESULT_NOTE)
        return getattr(report, "result_text", None) or label
    if report.status == Status.REJECTED:
        return getattr(report, "rejection_reason", None) or label
    if report.status == Status.MERGED and report.duplicate_of_id:
        return _("Trùng sự việc với phản ánh %(reference)s, được xử lý cùng.") % {
            "reference": report.duplicate_of.reference
        }
    if report.is_overdue:
        return _("%(status)s (đã quá hạn xử lý).") % {"status": label}
    return label


def expected_datetime(report: Report) -> datetime | None:
    """The working-day deadline; before assignment, an estimate from the verification deadline."""
    if report.due_at:
        return report.due_at
    if _is_open(report) and report.verify_due_at:
        days = 0 if report.urgent else settings.REPORTS_DEADLINE_WORKING_DAYS
        return deadline_after(moment=report.verify_due_at, days=days)
    return None


def service_notice(report: Report) -> str:
    if report.urgent:
        return _("Phản ánh khẩn cấp: được chuyển xử lý ngay.")
    return _(
        "Thời hạn xử lý: %(days)s ngày làm việc kể từ khi "
        "được chuyển cơ quan xử lý (không tính thứ Bảy, Chủ nhật, ngày lễ)."
    ) % {"days": settings.REPORTS_DEADLINE_WORKING_DAYS}


def _media_url(report: Report, build_url) -> str | None:
    photo = getattr(report, "photo", None)
    if not photo:
        return None
    return build_url(default_storage.url(photo))


def _extended(report: Report) -> dict:
    rating = getattr(report, "rating_value", None)
    return {
        "detailed_status": report.status,
        "detailed_status_label": str(Status(report.status).label),
        "title": report.title,
        "urgent": report.urgent,
        "overdue": report.is_overdue,
        "commune_code": report.commune.code,
        "commune": report.commune.full_name,
        "former_district_code": report.district.code if report.district_id else None,
        "former_district": report.district.full_name if report.district_id else None,
        "rating": rating,
        "rating_label": str(Rating.Value(rating).label) if rating else None,
        "duplicate_of": report.duplicate_of.reference if report.duplicate_of_id else None,
        "closed_datetime": w3c(report.closed_at),
    }


def request_as_dict(report: Report, *, extensions: bool, build_url) -> dict:
    if report.current_agency_id:
        agency = report.current_agency.name
    elif _is_open(report):
        agency = str(IOC_NAME)
    else:
        agency = None
    data = {
        "service_request_id": report.reference,
        "status": "open" if _is_open(report) else "closed",
        "status_notes": status_notes(report),
        "service_name": report.category.name,
        "service_code": report.category.code,
        "description": report.description,
        "agency_responsible": agency,
        "service_notice": service_notice(report),
        "requested_datetime": w3c(report.created_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(expected_datetime(report)),
        "address": report.commune.full_name,
        "address_id": None,
        "zipcode": None,
        "lat": report.point.y,
        "long": report.point.x,
        "media_url": _media_url(report, build_url),
    }
    if extensions:
        data["extended_attributes"] = _extended(report)
    return data


def posted_as_dict(*, reference: str, token: str, urgent: bool) -> dict:
    notice = _("Đã nhận phản ánh; IOC sẽ xác minh và chuyển xử lý.")
    if urgent:
        notice = _("Đã nhận phản ánh khẩn cấp; được chuyển xử lý ngay.")
    return {
        "service_request_id": reference,
        "token": token,
        "service_notice": notice,
        "account_id": None,
    }
