"""Typed addresses (new 2025 or pre-2025 names) → a commune and a point inside it."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from boundaries.selectors import edition_at
from reports.errors import ReportInvalid

POINT_ON_SURFACE_SQL = """
    SELECT code, full_name, ST_X(p), ST_Y(p) FROM (
        SELECT code, full_name, ST_PointOnSurface(geom) AS p FROM boundaries_adminunit
        WHERE edition_id = %s AND level = 'commune' AND code = %s
    ) unit
"""


@dataclass(frozen=True)
class AddressMatch:
    commune_code: str
    commune_name: str
    lon: float
    lat: float
    converted_from: str | None  # the pre-2025 ward named in the address, if any


# Districts stopped being administrations in 2025: naming one marks a pre-2025 address.
DISTRICT_WORDS = ("huyện", "thị xã", "thành phố", "quận")


def _parse(text: str):
    from vietnamadminunits import convert_address, parse_address

    if any(word in text.lower() for word in DISTRICT_WORDS):
        try:
            converted = convert_address(text)
        except Exception:  # the library raises bare errors on text it cannot read
            converted = None
        if converted is not None and converted.ward_code:
            old = getattr(converted, "OldAdminUnit", None)
            return converted, getattr(old, "ward", None)
    try:
        unit = parse_address(text, level=2)
    except Exception:
        return None, None
    if unit is not None and unit.ward_code:
        return unit, None
    return None, None


def address_locate(*, text: str) -> AddressMatch:
    """Resolve an address to a served commune; the point is one guaranteed inside it."""
    text = (text or "").strip()
    if len(text) < 4:
        raise ReportInvalid(_("Hãy nhập địa chỉ (xã/phường, tỉnh)."), field="address")
    unit, old_ward = _parse(text)
    if unit is None:
        raise ReportInvalid(_("Không nhận ra xã/phường trong địa chỉ này."), field="address")
    if unit.province_code not in settings.BOUNDARIES_SERVED_PROVINCES:
        raise ReportInvalid(
            _("Địa chỉ thuộc %(province)s, nằm ngoài địa bàn tiếp nhận phản ánh.")
            % {"province": unit.province},
            field="address",
        )
    edition = edition_at()
    with connection.cursor() as cursor:
        cursor.execute(POINT_ON_SURFACE_SQL, [edition.pk if edition else None, unit.ward_code])
        row = cursor.fetchone()
    if row is None:
        raise ReportInvalid(_("Không tìm thấy xã/phường này trong ranh giới hiện hành."), "address")
    return AddressMatch(
        commune_code=row[0], commune_name=row[1], lon=row[2], lat=row[3], converted_from=old_ward
    )
