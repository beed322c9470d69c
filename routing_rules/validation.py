"""The one set of checks on routing data, for the admin (model.clean) and the TOML loader alike.

Each `<entity>_validate` raises a django ValidationError keyed by model field, with a Vietnamese
message; the loader names the same message against the data file's field, so an operator sees
the same reason whichever way the bad value came in.
"""

from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boundaries.selectors import unit_list
from routing_rules.models import COMMUNE_TYPES, Agency, Category, Rule, SpecialZone

AREA_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")
ZONE_GEOMETRY_TYPES = ("Point", "LineString", "MultiLineString", *AREA_GEOMETRY_TYPES)

NOT_STRINGS = gettext_lazy('Phải là danh sách các chuỗi không rỗng, dạng ["…", "…"].')


def is_string_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)


def _strings(value, field: str, errors: dict) -> list[str]:
    if not is_string_list(value):
        errors[field] = NOT_STRINGS
        return []
    return value


def _levels(codes: list[str], known: Mapping[str, str] | None) -> dict[str, str]:
    """Level of each code that is a unit of the current edition (code → level)."""
    if known is not None:
        return {code: known[code] for code in codes if code in known}
    return dict(unit_list().filter(code__in=codes).values_list("code", "level"))


def _unknown_units(codes: list[str], levels: Mapping[str, str]) -> str | None:
    unknown = [code for code in codes if code not in levels]
    if unknown:
        return _("Không có đơn vị hành chính mã %(codes)s.") % {"codes": ", ".join(unknown)}
    return None


def _not_one_of(what: str, bad: list[str], allowed) -> str:
    return _("%(what)s không hợp lệ: %(bad)s (hợp lệ: %(allowed)s).") % {
        "what": what,
        "bad": ", ".join(bad),
        "allowed": ", ".join(allowed),
    }


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def category_validate(*, category: Category) -> None:
    errors: dict[str, str] = {}
    _strings(category.keywords, "keywords", errors)
    _raise(errors)


def agency_validate(*, agency: Agency, unit_levels: Mapping[str, str] | None = None) -> None:
    """Checks an agency; `unit_levels` (code → level) spares a query when the caller has it."""
    errors: dict[str, str] = {}
    codes = _strings(agency.jurisdiction_codes, "jurisdiction_codes", errors)
    if codes:
        unknown = _unknown_units(codes, _levels(codes, unit_levels))
        if unknown:
            errors["jurisdiction_codes"] = unknown
    if agency.parent_id is not None and agency.pk is not None and agency.parent_id == agency.pk:
        errors["parent"] = _("Cơ quan không thể là cấp trên của chính nó.")
    _raise(errors)


def zone_validate(*, zone: SpecialZone) -> None:
    """A supported, valid geometry in a served province; points and lines need a buffer."""
    errors: dict[str, str] = {}
    geom = zone.geom
    if geom is not None:
        if geom.geom_type not in ZONE_GEOMETRY_TYPES:
            errors["geom"] = _not_one_of(_("Loại hình học"), [geom.geom_type], ZONE_GEOMETRY_TYPES)
        elif geom.empty:
            errors["geom"] = _("Hình học rỗng.")
        elif not geom.valid:
            errors["geom"] = _("Hình học không hợp lệ: %(reason)s.") % {"reason": geom.valid_reason}
        elif (
            not unit_list(level="province")
            .filter(code__in=list(settings.BOUNDARIES_SERVED_PROVINCES), geom__intersects=geom)
            .exists()
        ):
            errors["geom"] = _(
                "Vùng nằm ngoài tỉnh tiếp nhận phản ánh (có nhầm kinh độ với vĩ độ không?)."
            )
        if geom.geom_type not in AREA_GEOMETRY_TYPES and not (zone.buffer_m and zone.buffer_m > 0):
            errors["buffer_m"] = _("Điểm và đường cần vùng đệm lớn hơn 0 m.")
    _raise(errors)


def rule_validate(*, rule: Rule, unit_levels: Mapping[str, str] | None = None) -> None:
    """Checks a rule's conditions and target; `unit_levels` as for agency_validate."""
    errors: dict[str, str] = {}
    priority = rule.priority
    if priority is not None and (
        isinstance(priority, bool) or not isinstance(priority, int) or priority < 1
    ):
        errors["priority"] = _("Phải là số nguyên từ 1 trở lên.")
    units = _strings(rule.unit_codes, "unit_codes", errors)
    if units:
        levels = _levels(units, unit_levels)
        provinces = [code for code in units if levels.get(code) == "province"]
        if message := _unknown_units(units, levels):
            errors["unit_codes"] = message
        elif provinces:
            errors["unit_codes"] = _(
                "Mã %(codes)s là cả tỉnh, khớp mọi vị trí: hãy để trống điều kiện địa bàn."
            ) % {"codes": ", ".join(provinces)}
    types = _strings(rule.commune_types, "commune_types", errors)
    if bad := [value for value in types if value not in COMMUNE_TYPES]:
        errors["commune_types"] = _not_one_of(_("Loại đơn vị"), bad, COMMUNE_TYPES)
    kinds = _strings(rule.zone_kinds, "zone_kinds", errors)
    if bad := [kind for kind in kinds if kind not in SpecialZone.Kind.values]:
        errors["zone_kinds"] = _not_one_of(_("Loại vùng"), bad, SpecialZone.Kind.values)
    _strings(rule.keywords, "keywords", errors)
    needs_agency = rule.target_kind in (Rule.Target.FIXED, Rule.Target.AREA_BRANCH)
    if needs_agency and rule.target_agency_id is None:
        errors["target_agency"] = _("Cần chọn cơ quan khi đơn vị xử lý là «%(target)s».") % {
            "target": Rule.Target(rule.target_kind).label
        }
    if rule.valid_from and rule.valid_to and rule.valid_to <= rule.valid_from:
        errors["valid_to"] = _("Phải sau thời điểm bắt đầu hiệu lực.")
    _raise(errors)
