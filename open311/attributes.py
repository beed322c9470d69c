"""Service attributes (GeoReport v2 service definitions): the report fields Open311 lacks."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.errors import ReportInvalid

# Real time zones lie within UTC-12 and UTC+14; PostgreSQL refuses offsets past ±15:59.
MAX_UTC_OFFSET = timedelta(hours=14)


def moment_parse(value: str) -> datetime | None:
    """An ISO 8601 / W3C moment, aware (the portal's zone when none is given), or None when it
    is malformed, impossible (month 13) or its offset is no time zone's."""
    try:
        moment = parse_datetime(value)
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment if abs(moment.utcoffset()) <= MAX_UTC_OFFSET else None


BOOLEAN_VALUES = [{"key": "true", "name": _("Có")}, {"key": "false", "name": _("Không")}]
TITLE_MAX = 200


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    description: str
    order: int
    required: bool = False
    datatype_description: str = ""
    values: tuple = ()

    def as_dict(self) -> dict:
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            # str(): the XML renderer needs plain text in the asking client's language.
            "datatype_description": str(self.datatype_description),
            "order": self.order,
            "description": str(self.description),
            "values": [{key: str(text) for key, text in v.items()} for v in self.values],
        }


ATTRIBUTES = (
    Attribute(
        code="title",
        datatype="string",
        description=_("Tiêu đề ngắn của phản ánh (mặc định: câu đầu của nội dung)."),
        order=1,
        datatype_description=lazy(lambda: gettext("Tối đa %(n)s ký tự.") % {"n": TITLE_MAX}, str)(),
    ),
    Attribute(
        code="urgent",
        datatype="singlevaluelist",
        description=_(
            "Khẩn cấp (thiên tai, hỏa hoạn, tai nạn, cướp giật, an ninh trật tự): được xử lý ngay."
        ),
        order=2,
        values=tuple(BOOLEAN_VALUES),
    ),
    Attribute(
        code="private_result",
        datatype="singlevaluelist",
        description=_("Chỉ gửi kết quả xử lý riêng cho người phản ánh, không công khai."),
        order=3,
        values=tuple(BOOLEAN_VALUES),
    ),
    Attribute(
        code="incident_at",
        datatype="datetime",
        description=_("Thời điểm xảy ra sự việc (ISO 8601, ví dụ 2025-10-01T08:30:00+07:00)."),
        order=4,
    ),
)
BY_CODE = {attribute.code: attribute for attribute in ATTRIBUTES}


@dataclass(frozen=True)
class ParsedAttributes:
    title: str | None = None
    urgent: bool = False
    private_result: bool = False
    incident_at: datetime | None = None


def _boolean(code: str, value: str) -> bool:
    value = value.strip().lower()
    if value not in {"true", "false"}:
        raise ReportInvalid(
            gettext("attribute[%(code)s] phải là true hoặc false (nhận được “%(value)s”).")
            % {"code": code, "value": value},
            field=f"attribute[{code}]",
        )
    return value == "true"


def attributes_parse(raw: dict[str, str]) -> ParsedAttributes:
    """Check attribute[...] values against the definitions; unknown codes are refused."""
    unknown = sorted(set(raw) - set(BY_CODE))
    if unknown:
        raise ReportInvalid(
            gettext("Thuộc tính không có trong định nghĩa dịch vụ: %(codes)s.")
            % {"codes": ", ".join(unknown)},
            field=f"attribute[{unknown[0]}]",
        )
    values: dict = {}
    if raw.get("title", "").strip():
        title = raw["title"].strip()
        if len(title) > TITLE_MAX:
            raise ReportInvalid(
                gettext("attribute[title] dài quá %(n)s ký tự.") % {"n": TITLE_MAX},
                field="attribute[title]",
            )
        values["title"] = title
    for code in ("urgent", "private_result"):
        if raw.get(code, "").strip():
            values[code] = _boolean(code, raw[code])
    if raw.get("incident_at", "").strip():
        moment = moment_parse(raw["incident_at"].strip())
        if moment is None:
            raise ReportInvalid(
                gettext("attribute[incident_at] không phải thời điểm ISO 8601."),
                field="attribute[incident_at]",
            )
        values["incident_at"] = moment
    return ParsedAttributes(**values)
