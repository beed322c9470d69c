"""Reads of routing data, and the routing decision itself: which agency handles a report."""

import dataclasses
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from boundaries.selectors import unit_list
from routing_rules.errors import RoutingUnavailable
from routing_rules.matching import (
    Match,
    Place,
    Unresolved,
    commune_ubnd_find,
    coordinators_collect,
    rule_match,
    target_resolve,
)
from routing_rules.models import Agency, Category, Rule, SpecialZone


@dataclass(frozen=True)
class RouteRequest:
    category_code: str
    lon: float
    lat: float
    commune_code: str | None  # from boundaries.selectors.commune_locate
    district_code: str | None
    urgent: bool = False
    text: str = ""  # title + description
    at: datetime | None = None  # rule validity is checked at this moment (default now)


@dataclass(frozen=True)
class RouteDecision:
    agency: Agency
    coordinators: list[Agency]
    rule: Rule | None  # None when the commune-UBND (or IOC) fallback was used
    explanation: list[str]  # Vietnamese, one line per fact
    matched_conditions: dict[str, Any] = field(default_factory=dict)
    zone_codes: list[str] = field(default_factory=list)  # special zones covering the point
    commune_code: str | None = None
    district_code: str | None = None
    fallback: bool = False


def category_list(*, include_inactive: bool = False) -> QuerySet[Category]:
    """Categories in display order (active ones unless asked otherwise)."""
    categories = Category.objects.all()
    if not include_inactive:
        categories = categories.filter(is_active=True)
    return categories.order_by("sort_order", "name")


# code -> (monotonic time read, category): what every submission looks up, kept in the process.
_CATEGORIES: dict[str, tuple[float, Category]] = {}


def category_by_code(*, code: str) -> Category | None:
    """The category with this code, active or not (None if there is none), read at most every
    ROUTING_CATEGORY_CACHE_SECONDS per process. A save or delete through the ORM empties this
    process's cache at once (routing_rules.apps); other processes see it within that time.
    Unknown codes are always read, so a new category is found at once."""
    now = time.monotonic()
    hit = _CATEGORIES.get(code)
    if hit is not None and now - hit[0] < settings.ROUTING_CATEGORY_CACHE_SECONDS:
        return hit[1]
    category = Category.objects.filter(code=code).first()
    if category is None:
        _CATEGORIES.pop(code, None)
    elif settings.ROUTING_CATEGORY_CACHE_SECONDS > 0:
        _CATEGORIES[code] = (now, category)
    return category


def category_cache_clear(**kwargs) -> None:
    """Forget the cached categories (a signal receiver: any arguments are ignored)."""
    _CATEGORIES.clear()


def agency_list(
    *,
    kind: str | None = None,
    parent_code: str | None = None,
    jurisdiction_code: str | None = None,
    search: str | None = None,
    include_inactive: bool = False,
) -> QuerySet[Agency]:
    agencies = Agency.objects.select_related("parent")
    if not include_inactive:
        agencies = agencies.filter(is_active=True)
    if kind:
        agencies = agencies.filter(kind=kind)
    if parent_code:
        agencies = agencies.filter(parent__code=parent_code)
    if jurisdiction_code:
        agencies = agencies.filter(jurisdiction_codes__contains=[jurisdiction_code])
    if search:
        agencies = agencies.filter(Q(name__icontains=search) | Q(code__icontains=search))
    return agencies.order_by("kind", "name")


def special_zone_list(*, kind: str | None = None) -> QuerySet[SpecialZone]:
    zones = SpecialZone.objects.filter(is_active=True).select_related("managing_agency")
    if kind:
        zones = zones.filter(kind=kind)
    return zones.order_by("kind", "name")


def zones_covering(*, lon: float, lat: float) -> list[SpecialZone]:
    """Active special zones whose effective area covers the point: one GiST-indexed query."""
    point = Point(lon, lat, srid=4326)
    return list(
        SpecialZone.objects.filter(is_active=True, area__covers=point)
        .select_related("managing_agency__parent")
        .defer("geom", "area")
        .order_by("kind", "code")
    )


def commune_ubnd_get(*, commune_code: str) -> Agency:
    """The UBND of a commune; raises RoutingUnavailable (an Agency.DoesNotExist) if not loaded."""
    return commune_ubnd_find(commune_code)


def rule_list_effective(
    *,
    at: datetime | None = None,
    activate: Collection[str] = (),
    deactivate: Collection[str] = (),
) -> list[Rule]:
    """Rules in force at `at`, by priority; `activate`/`deactivate` preview a rule edit."""
    at = at or timezone.now()
    rules = (
        Rule.objects.filter(Q(is_active=True) | Q(code__in=list(activate)))
        .exclude(code__in=list(deactivate))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=at))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=at))
        .select_related("target_agency__parent")
        .prefetch_related(
            "categories",
            Prefetch("zones", queryset=SpecialZone.objects.defer("geom", "area")),
            "coordinators",
        )
        .order_by("priority", "code")
    )
    return list(rules)


def _place(request: RouteRequest) -> Place:
    codes = [c for c in (request.commune_code, request.district_code) if c]
    names: dict[str, str] = {}
    commune_type = ""
    if codes:
        at = timezone.localdate(request.at) if request.at else None
        units = unit_list(at=at).filter(code__in=codes)
        for code, level, full_name, unit_type in units.values_list(
            "code", "level", "full_name", "unit_type"
        ):
            names[code] = (
                _("%(name)s cũ") % {"name": full_name} if level == "district" else full_name
            )
            if level == "commune" and code == request.commune_code:
                commune_type = unit_type
    return Place(
        commune_code=request.commune_code,
        district_code=request.district_code,
        names=names,
        zones=zones_covering(lon=request.lon, lat=request.lat),
        commune_type=commune_type,
    )


def _location_lines(place: Place) -> list[str]:
    if place.commune_code:
        commune = place.unit_label(place.commune_code)
        if place.district_code:
            line = _("Vị trí thuộc %(commune)s, địa bàn %(district)s.") % {
                "commune": commune,
                "district": place.unit_label(place.district_code),
            }
        else:
            line = _("Vị trí thuộc %(commune)s.") % {"commune": commune}
        lines = [line]
    else:
        lines = [_("Không xác định được xã/phường chứa vị trí.")]
    if place.zones:
        zones = "; ".join(
            (
                _("%(zone)s (%(kind)s, vị trí gần đúng)")
                if zone.approximate
                else _("%(zone)s (%(kind)s)")
            )
            % {"zone": zone.name, "kind": zone.get_kind_display()}
            for zone in place.zones
        )
        lines.append(_("Vị trí nằm trong vùng đặc biệt: %(zones)s.") % {"zones": zones})
    else:
        lines.append(_("Vị trí không nằm trong vùng đặc biệt nào."))
    return lines


def _condition_line(match: Match, place: Place) -> str:
    parts = []
    conditions = match.conditions
    if "category" in conditions:
        parts.append(_("lĩnh vực «%(name)s»") % {"name": conditions["category"]["name"]})
    if "units" in conditions:
        units = ", ".join(place.unit_label(c) for c in conditions["units"])
        parts.append(_("địa bàn %(units)s") % {"units": units})
    if "commune_type" in conditions:
        parts.append(_("đơn vị cấp xã là %(type)s") % {"type": conditions["commune_type"]})
    if match.zones:
        zones = ", ".join(f"«{zone.name}»" for zone in match.zones)
        parts.append(_("trong vùng %(zones)s") % {"zones": zones})
    if "urgent" in conditions:
        parts.append(
            _("phản ánh khẩn cấp") if conditions["urgent"] else _("phản ánh không khẩn cấp")
        )
    if "keywords" in conditions:
        keywords = ", ".join(f"«{k}»" for k in conditions["keywords"])
        parts.append(_("có từ khóa %(keywords)s") % {"keywords": keywords})
    if not parts:
        return _("Quy tắc không đặt điều kiện nào (áp dụng cho mọi phản ánh).")
    return _("Điều kiện khớp: %(conditions)s.") % {"conditions": "; ".join(parts)}


def _handler_line(agency: Agency, why: str) -> str:
    return _("Đơn vị xử lý: %(agency)s — %(why)s.") % {"agency": agency.name, "why": why}


def _coordinator_line(coordinators: list[Agency]) -> str:
    if not coordinators:
        return _("Không có đơn vị phối hợp.")
    return _("Đơn vị phối hợp: %(agencies)s.") % {
        "agencies": ", ".join(a.name for a in coordinators)
    }


def report_route(
    *,
    request: RouteRequest,
    activate: Collection[str] = (),
    deactivate: Collection[str] = (),
    rules: list[Rule] | None = None,
) -> RouteDecision:
    """Choose the handling and coordinating agencies for a report, and say why.

    Rules in force at `request.at` are tried by priority; the first that matches and can name
    an agency wins. Otherwise the UBND of the commune containing the point handles it (the IOC
    when even the commune is unknown). `rules` lets a batch reuse one rule list.
    """
    if request.at is not None and timezone.is_naive(request.at):
        request = dataclasses.replace(request, at=timezone.make_aware(request.at))
    place = _place(request)
    explanation = _location_lines(place)
    if rules is None:
        rules = rule_list_effective(at=request.at, activate=activate, deactivate=deactivate)
    for rule in rules:
        match = rule_match(
            rule=rule,
            category_code=request.category_code,
            urgent=request.urgent,
            text=request.text,
            place=place,
        )
        if match is None:
            continue
        try:
            agency, why, extra = target_resolve(match, place)
        except Unresolved as exc:
            explanation.append(
                _("Quy tắc «%(rule)s» khớp nhưng bị bỏ qua: %(reason)s; xét quy tắc tiếp theo.")
                % {"rule": rule.name, "reason": exc}
            )
            continue
        coordinators = coordinators_collect(match=match, handler=agency, extra=extra, place=place)
        explanation += [
            _("Áp dụng quy tắc «%(rule)s» (thứ tự ưu tiên %(priority)s, mã %(code)s).")
            % {"rule": rule.name, "priority": rule.priority, "code": rule.code},
            _condition_line(match, place),
            _handler_line(agency, why),
            _coordinator_line(coordinators),
        ]
        return RouteDecision(
            agency=agency,
            coordinators=coordinators,
            rule=rule,
            explanation=explanation,
            matched_conditions=match.conditions,
            zone_codes=[zone.code for zone in place.zones],
            commune_code=place.commune_code,
            district_code=place.district_code,
        )
    return _fallback(place, explanation)


def _fallback(place: Place, explanation: list[str]) -> RouteDecision:
    if place.commune_code:
        agency = commune_ubnd_find(place.commune_code)
        why = _("UBND nơi có vị trí (%(unit)s)") % {"unit": place.unit_label(place.commune_code)}
    else:
        agency = (
            Agency.objects.filter(kind=Agency.Kind.IOC, is_active=True).order_by("code").first()
        )
        if agency is None:
            raise RoutingUnavailable(
                _("Không xác định được xã/phường và chưa có IOC để phân loại thủ công.")
            )
        why = _("IOC phân loại thủ công vì không xác định được xã/phường")
    explanation += [
        _("Không có quy tắc nào khớp: áp dụng mặc định."),
        _handler_line(agency, why),
        _coordinator_line([]),
    ]
    return RouteDecision(
        agency=agency,
        coordinators=[],
        rule=None,
        explanation=explanation,
        zone_codes=[zone.code for zone in place.zones],
        commune_code=place.commune_code,
        district_code=place.district_code,
        fallback=True,
    )
