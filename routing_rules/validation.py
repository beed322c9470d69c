"""Checks shared by the admin forms (model.clean) for values stored as JSON lists."""

from django.core.exceptions import ValidationError

from boundaries.selectors import unit_list


def _strings(value, field: str, errors: dict) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        errors[field] = 'Phải là danh sách các chuỗi, ví dụ ["094", "03334"].'
        return []
    return value


def rule_fields_check(rule) -> None:
    from routing_rules.models import COMMUNE_TYPES, Rule, SpecialZone

    errors: dict[str, str] = {}
    units = _strings(rule.unit_codes, "unit_codes", errors)
    if units:
        levels = dict(unit_list().filter(code__in=units).values_list("code", "level"))
        unknown = [code for code in units if code not in levels]
        if unknown:
            errors["unit_codes"] = f"Không có đơn vị hành chính mã {', '.join(unknown)}."
        elif "province" in levels.values():
            errors["unit_codes"] = "Mã tỉnh khớp mọi vị trí: hãy để trống điều kiện địa bàn."
    types = _strings(rule.commune_types, "commune_types", errors)
    bad_types = [value for value in types if value not in COMMUNE_TYPES]
    if bad_types:
        errors["commune_types"] = (
            f"Loại đơn vị không hợp lệ: {', '.join(bad_types)} "
            f"(hợp lệ: {', '.join(COMMUNE_TYPES)})."
        )
    kinds = _strings(rule.zone_kinds, "zone_kinds", errors)
    bad_kinds = [kind for kind in kinds if kind not in SpecialZone.Kind.values]
    if bad_kinds:
        errors["zone_kinds"] = (
            f"Loại vùng không hợp lệ: {', '.join(bad_kinds)} "
            f"(hợp lệ: {', '.join(SpecialZone.Kind.values)})."
        )
    _strings(rule.keywords, "keywords", errors)
    needs_agency = rule.target_kind in (Rule.Target.FIXED, Rule.Target.AREA_BRANCH)
    if needs_agency and rule.target_agency_id is None:
        errors["target_agency"] = "Cần chọn cơ quan cho loại đơn vị xử lý này."
    if rule.valid_from and rule.valid_to and rule.valid_to <= rule.valid_from:
        errors["valid_to"] = "Phải sau thời điểm bắt đầu hiệu lực."
    if errors:
        raise ValidationError(errors)
