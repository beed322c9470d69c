"""Pure rule matching and target resolution used by `selectors.report_route`.

The spatial work (which zones cover the point) is done once per request in PostGIS; what is
left here is checking a handful of active rules against plain values.
"""

import contextlib
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from routing_rules.errors import RoutingUnavailable
from routing_rules.models import Agency, Rule, SpecialZone
from routing_rules.text import keywords_found


class Unresolved(Exception):
    """A rule matched but no agency could be named for it; routing moves on to the next rule."""


@dataclass
class Place:
    """What is known about the point: its units (with display names) and covering zones."""

    commune_code: str | None
    district_code: str | None
    names: dict[str, str]
    zones: list[SpecialZone]
    commune_type: str = ""  # "xã", "phường" or "đặc khu"

    def unit_label(self, code: str | None) -> str:
        if not code:
            return _("(không xác định)")
        name = self.names.get(code)
        if name:
            return _("%(name)s (mã %(code)s)") % {"name": name, "code": code}
        return _("đơn vị mã %(code)s") % {"code": code}


@dataclass
class Match:
    rule: Rule
    conditions: dict[str, Any] = field(default_factory=dict)
    zones: list[SpecialZone] = field(default_factory=list)


def rule_match(*, rule: Rule, category_code: str, urgent: bool, text: str, place: Place):
    """A Match if every condition the rule sets holds, else None."""
    conditions: dict[str, Any] = {}
    categories = list(rule.categories.all())
    if categories:
        chosen = [c for c in categories if c.code == category_code]
        if not chosen:
            return None
        conditions["category"] = {"code": chosen[0].code, "name": chosen[0].name}
    if rule.unit_codes:
        units = [c for c in (place.commune_code, place.district_code) if c in rule.unit_codes]
        if not units:
            return None
        conditions["units"] = units
    if rule.commune_types:
        if place.commune_type not in rule.commune_types:
            return None
        conditions["commune_type"] = place.commune_type
    matched_zones: list[SpecialZone] = []
    zone_ids = {zone.pk for zone in rule.zones.all()}
    if zone_ids or rule.zone_kinds:
        matched_zones = [
            zone for zone in place.zones if zone.pk in zone_ids or zone.kind in rule.zone_kinds
        ]
        if not matched_zones:
            return None
        conditions["zones"] = [zone.code for zone in matched_zones]
    if rule.urgency != Rule.Urgency.ANY:
        if urgent != (rule.urgency == Rule.Urgency.URGENT):
            return None
        conditions["urgent"] = urgent
    if rule.keywords:
        found = keywords_found(rule.keywords, text)
        if not found:
            return None
        conditions["keywords"] = found
    return Match(rule=rule, conditions=conditions, zones=matched_zones)


def commune_ubnd_find(commune_code: str) -> Agency:
    agency = (
        Agency.objects.filter(
            kind=Agency.Kind.COMMUNE_UBND,
            is_active=True,
            jurisdiction_codes__contains=[commune_code],
        )
        .select_related("parent")
        .order_by("code")
        .first()
    )
    if agency is None:
        raise RoutingUnavailable(
            _(
                "Chưa có UBND đang hoạt động cho xã/phường mã %(code)s: hãy nạp dữ liệu bằng "
                "`manage.py routing_load` hoặc thêm trong trang quản trị."
            )
            % {"code": commune_code}
        )
    return agency


def _managed_zone(match: Match, place: Place) -> SpecialZone | None:
    for zone in [*match.zones, *place.zones]:
        if zone.managing_agency_id and zone.managing_agency.is_active:
            return zone
    return None


def _area_branch(parent: Agency, place: Place) -> tuple[Agency, str]:
    codes = [c for c in (place.commune_code, place.district_code) if c]
    covering = Q()
    for code in codes:
        covering |= Q(jurisdiction_codes__contains=[code])
    branches = (
        list(Agency.objects.filter(covering, parent=parent, is_active=True).order_by("code"))
        if codes
        else []
    )
    for code in codes:  # the most local jurisdiction wins
        for branch in branches:
            if code in branch.jurisdiction_codes:
                return branch, _("chi nhánh của %(parent)s có địa bàn gồm %(unit)s") % {
                    "parent": parent.name,
                    "unit": place.unit_label(code),
                }
    if not parent.is_active:
        raise Unresolved(_("%(agency)s không còn hoạt động") % {"agency": parent.name})
    return parent, _("%(agency)s chưa có chi nhánh phụ trách địa bàn này nên trực tiếp xử lý") % {
        "agency": parent.name
    }


def target_resolve(match: Match, place: Place) -> tuple[Agency, str, list[Agency]]:
    """(handler, why this handler, extra coordinators) for a matched rule."""
    rule = match.rule
    kind = rule.target_kind
    if kind == Rule.Target.FIXED:
        agency = rule.target_agency
        if agency is None or not agency.is_active:
            raise Unresolved(_("cơ quan được chỉ định không còn hoạt động"))
        return agency, _("cơ quan được quy tắc chỉ định"), []
    if kind == Rule.Target.COMMUNE_UBND:
        if not place.commune_code:
            raise Unresolved(_("không xác định được xã/phường nơi có vị trí"))
        agency = _commune_ubnd(place)
        return agency, _ubnd_here(place), []
    if kind == Rule.Target.AREA_BRANCH:
        if rule.target_agency is None:
            raise Unresolved(_("quy tắc chưa chỉ định cơ quan mẹ"))
        agency, why = _area_branch(rule.target_agency, place)
        return agency, why, []
    zone = _managed_zone(match, place)
    if kind == Rule.Target.ZONE_MANAGER:
        if zone is None:
            raise Unresolved(_("vùng đặc biệt chứa vị trí chưa có đơn vị quản lý"))
        return zone.managing_agency, _manager_of(zone), []
    # SUPERIOR: the unit the report is about is the zone's manager, else the commune's UBND.
    if zone is not None:
        concerned, where = zone.managing_agency, _manager_of(zone)
    elif place.commune_code:
        concerned, where = _commune_ubnd(place), _("chính quyền nơi có vị trí")
    else:
        raise Unresolved(_("không xác định được đơn vị liên quan"))
    superior = concerned.parent
    values = {"agency": concerned.name, "where": where}
    if superior is None or not superior.is_active:
        return concerned, _("%(agency)s (%(where)s) chưa có cấp trên nên tự xử lý") % values, []
    why = _("cấp trên của đơn vị liên quan là %(agency)s (%(where)s)") % values
    return superior, why, [concerned]


def _ubnd_here(place: Place) -> str:
    return _("UBND nơi có vị trí (%(unit)s)") % {"unit": place.unit_label(place.commune_code)}


def _manager_of(zone: SpecialZone) -> str:
    return _("đơn vị quản lý %(zone)s") % {"zone": zone.name}


def _commune_ubnd(place: Place) -> Agency:
    try:
        return commune_ubnd_find(place.commune_code)
    except Agency.DoesNotExist as exc:
        raise Unresolved(str(exc)) from exc


def coordinators_collect(
    *, match: Match, handler: Agency, extra: Collection[Agency], place: Place
) -> list[Agency]:
    found: list[Agency] = [a for a in match.rule.coordinators.all() if a.is_active]
    found.extend(extra)
    if match.rule.coordinate_commune_ubnd and place.commune_code:
        with contextlib.suppress(Agency.DoesNotExist):
            found.append(commune_ubnd_find(place.commune_code))
    unique: dict[int, Agency] = {}
    for agency in found:
        if agency.pk != handler.pk:
            unique.setdefault(agency.pk, agency)
    return list(unique.values())
