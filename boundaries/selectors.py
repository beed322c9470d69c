"""Reads of administrative units: the point → province / district / commune join."""

import math
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from boundaries.index import NO_EDITION, OUTSIDE, Contains, Sliver, index_locate
from boundaries.models import AdminUnit, Edition
from boundaries.sql import (
    EDITION_AT_SQL,
    HIERARCHY_OF_UNIT_SQL,
    LOCATE_SQL,
    NEAREST_COMMUNE_SQL,
    PROVINCE_COVERS_SQL,
)

Level = AdminUnit.Level


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    full_name: str
    unit_type: str


@dataclass(frozen=True)
class Location:
    province: UnitRef
    district: UnitRef | None
    commune: UnitRef
    method: str  # "contains" or "nearest"
    distance_m: float
    edition: str
    edition_id: int


class LocateError(Exception):
    """A valid point that cannot be joined to a served commune (a domain error for the API)."""

    status_code = 422

    def __init__(self, message: str, province: UnitRef | None = None, *, field: str = "lat"):
        super().__init__(message)
        self.message = message
        self.province = province
        self.field = field

    @property
    def extra(self) -> dict:
        """The province the point is in when known, as boundaries.serializers.UnitRefSerializer."""
        province = self.province
        if province is None:
            return {"province": None}
        return {
            "province": {
                "code": province.code,
                "name": province.name,
                "full_name": province.full_name,
            }
        }


def _fetchone(sql: str, params: dict):
    # The database the ORM reads boundaries from: a replica when the request may read one
    # (settings.DATABASE_ROUTERS), the primary inside a transaction, such as a submission's.
    with connections[router.db_for_read(AdminUnit)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _unit_ref(values) -> UnitRef | None:
    return None if values[0] is None else UnitRef(*values)


def _location(row, *, method: str, distance_m: float) -> Location:
    return Location(
        commune=_unit_ref(row[0:5]),
        district=_unit_ref(row[5:10]),
        province=_unit_ref(row[10:15]),
        method=method,
        distance_m=distance_m,
        edition=row[15],
        edition_id=row[16],
    )


@lru_cache(maxsize=4096)
def _contains(row: tuple) -> Location:
    """The (immutable) answer for a commune found by the index: one per row, not per lookup."""
    return _location(row, method="contains", distance_m=0.0)


# The local day the last lookup fell on: (start, end) as Unix times, TIME_ZONE, the date.
_today: tuple[float, float, str, date | None] = (0.0, 0.0, "", None)


def _local_today() -> date:
    """timezone.localdate(), computed again once the local day is over: done per lookup it
    cost half as much as the in-process lookup itself."""
    global _today
    start, end, zone, today = _today
    if start <= time.time() < end and zone == settings.TIME_ZONE:
        return today
    today = timezone.localdate()
    midnight = datetime(today.year, today.month, today.day, tzinfo=timezone.get_current_timezone())
    next_midnight = midnight + timedelta(days=1)  # wall-clock arithmetic: the next local day
    _today = (midnight.timestamp(), next_midnight.timestamp(), settings.TIME_ZONE, today)
    return today


def edition_at(*, at: date | None = None) -> Edition | None:
    """The boundary edition in force on a day (today by default)."""
    at = at or timezone.localdate()
    return (
        Edition.objects.filter(valid_from__lte=at)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .order_by("-valid_from")
        .first()
    )


def _no_edition(at: date) -> LocateError:
    return LocateError(
        _("Không có bộ ranh giới hành chính nào có hiệu lực vào ngày %(day)s.")
        % {"day": f"{at:%d/%m/%Y}"}
    )


def _outside() -> LocateError:
    return LocateError(_("Vị trí nằm ngoài địa bàn tiếp nhận phản ánh."))


def commune_locate(*, lon: float, lat: float, at: date | None = None) -> Location:
    """Province, former district and commune that must handle a point (WGS 84).

    Uses the edition valid on `at` (default today). A point in the province outline but in
    none of its communes (the dataset's border slivers) goes to the nearest commune within
    BOUNDARIES_SLIVER_TOLERANCE_M. Raises LocateError for a point outside the served area.
    Answered from the in-process index (boundaries.index) when it is on and sure to answer
    as PostGIS would, else by commune_locate_postgis.
    """
    at = at or _local_today()
    if settings.BOUNDARIES_INDEX_ENABLED:
        decision = index_locate(lon=lon, lat=lat, at=at)
        if isinstance(decision, Contains):
            return _contains(decision.row)
        if decision is NO_EDITION:
            raise _no_edition(at)
        if decision is OUTSIDE:
            raise _outside()
        if isinstance(decision, Sliver):
            return commune_locate_postgis(lon=lon, lat=lat, at=at, sliver_of=decision.edition_id)
    return commune_locate_postgis(lon=lon, lat=lat, at=at)


def commune_locate_postgis(
    *, lon: float, lat: float, at: date, sliver_of: int | None = None
) -> Location:
    """commune_locate answered by PostGIS alone: the reference the index is tested against.

    `sliver_of`: the edition whose served province the index found the point in, in none of
    its communes; only the nearest commune is left to measure (two statements, not five).
    """
    served = list(settings.BOUNDARIES_SERVED_PROVINCES)
    params = {"lon": lon, "lat": lat, "at": at, "served": served}
    if sliver_of is None:
        row = _fetchone(LOCATE_SQL, params)
        if row is not None:
            return _location(row, method="contains", distance_m=0.0)
        edition_row = _fetchone(EDITION_AT_SQL, params)
        if edition_row is None:
            raise _no_edition(at)
        params["edition"] = edition_row[0]
        province_row = _fetchone(PROVINCE_COVERS_SQL, params)
    else:
        params["edition"] = sliver_of
        province_row = (None, True)
    if province_row is not None and province_row[1]:
        tolerance = settings.BOUNDARIES_SLIVER_TOLERANCE_M
        # Bounding-box prefilter in degrees, generous enough for the longitude shrink.
        params["margin_deg"] = tolerance / 111_320 / max(math.cos(math.radians(lat)), 0.1) * 1.1
        nearest = _fetchone(NEAREST_COMMUNE_SQL, params)
        if nearest is not None and nearest[1] <= tolerance:
            row = _fetchone(HIERARCHY_OF_UNIT_SQL, {"unit": nearest[0]})
            return _location(row, method="nearest", distance_m=round(float(nearest[1]), 1))
        raise LocateError(
            _(
                "Vị trí nằm trong đường bao của tỉnh nhưng cách mọi xã/phường hơn "
                "%(metres)s m; hãy chọn lại vị trí."
            )
            % {"metres": f"{tolerance:.0f}"}
        )
    if province_row is not None:
        province = AdminUnit.objects.get(pk=province_row[0])
        ref = UnitRef(
            province.pk, province.code, province.name, province.full_name, province.unit_type
        )
        raise LocateError(
            _("Vị trí thuộc %(province)s, nằm ngoài địa bàn tiếp nhận phản ánh.")
            % {"province": province.full_name},
            ref,
        )
    raise _outside()


def unit_list(
    *,
    at: date | None = None,
    edition_slug: str | None = None,
    level: str | None = None,
    province_code: str | None = None,
    parent_code: str | None = None,
) -> QuerySet[AdminUnit]:
    """Units of one edition (the one valid on `at`, or the named one), optionally filtered."""
    units = AdminUnit.objects.select_related("edition", "parent")
    if edition_slug:
        units = units.filter(edition__slug=edition_slug)
    else:
        edition = edition_at(at=at)
        units = units.filter(edition=edition) if edition else units.none()
    if level:
        units = units.filter(level=level)
    if province_code:
        units = units.filter(province_code=province_code)
    if parent_code:
        units = units.filter(parent__code=parent_code)
    return units.order_by("level", "code")


def units_extent(*, units: QuerySet[AdminUnit]) -> tuple[float, float, float, float] | None:
    """West, south, east and north of the units' outlines (PostGIS's ST_Extent), or None."""
    return units.order_by().aggregate(box=Extent("geom"))["box"]
