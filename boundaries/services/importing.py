"""Importing boundary editions: idempotent upserts, geometry repair, former districts."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models import Union
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import connection, transaction
from django.utils.translation import gettext as _

from boundaries.models import AdminUnit, Edition
from boundaries.services.editions import DISTRICTS_ABOLISHED_ON
from boundaries.services.former_districts import former_district_assignments
from boundaries.services.sources import FeatureReader, SourceError, SourceFeature
from boundaries.sql import AREAS_UPDATE_SQL, GEOMETRY_REPAIR_SQL

Level = AdminUnit.Level
Progress = Callable[[Iterable, str, int], Iterable]


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


@dataclass
class ImportReport:
    dry_run: bool = False
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    repaired: list[tuple[str, str]] = field(default_factory=list)  # (code, what was invalid)
    districts: dict[str, list[str]] = field(default_factory=dict)  # district → commune codes

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _repaired(geom: GEOSGeometry) -> GEOSGeometry:
    with connection.cursor() as cursor:
        cursor.execute(GEOMETRY_REPAIR_SQL, {"wkb": bytes(geom.wkb)})
        (wkb,) = cursor.fetchone()
    return GEOSGeometry(memoryview(bytes(wkb)), srid=4326)


def _upsert(
    *,
    edition: Edition,
    feature: SourceFeature,
    parent: AdminUnit | None,
    report: ImportReport,
    administration_ended=None,
) -> AdminUnit:
    geom = feature.geom
    if not geom.valid:
        report.repaired.append((feature.code, geom.valid_reason))
        geom = _repaired(geom)
        if geom.empty:
            raise SourceError(
                f"{feature.origin} (code {feature.code}): geometry is empty after repair"
            )
    values = {
        "name": feature.name,
        "full_name": feature.full_name,
        "unit_type": feature.unit_type,
        "name_en": feature.name_en,
        "province_code": feature.province_code,
        "parent": parent,
        "administration_ended": administration_ended,
    }
    unit = AdminUnit.objects.filter(edition=edition, level=feature.level, code=feature.code).first()
    if unit is None:
        unit = AdminUnit.objects.create(
            edition=edition,
            level=feature.level,
            code=feature.code,
            geom=geom,
            area_km2=0,
            **values,
        )
        report.created.append(feature.code)
        return unit
    differs = [name for name, value in values.items() if getattr(unit, name) != value]
    if bytes(unit.geom.wkb) != bytes(geom.wkb):
        differs.append("geom")
    if not differs:
        report.unchanged += 1
        return unit
    for name, value in values.items():
        setattr(unit, name, value)
    unit.geom = geom
    unit.save()
    report.updated.append(feature.code)
    return unit


def _update_areas(*, edition: Edition, codes: list[str]) -> None:
    if not codes:
        return
    with connection.cursor() as cursor:
        cursor.execute(AREAS_UPDATE_SQL, {"edition": edition.pk, "codes": codes})


def _build_former_districts(*, edition: Edition, province: AdminUnit, report: ImportReport) -> None:
    assignments = former_district_assignments(province_code=province.code)
    communes = AdminUnit.objects.filter(
        edition=edition, level=Level.COMMUNE, province_code=province.code
    )
    unassigned = sorted(set(communes.values_list("code", flat=True)) - set(assignments))
    if unassigned:
        raise SourceError(
            f"province {province.code}: no former district known for commune(s) "
            f"{', '.join(unassigned)} (vietnamadminunits mapping)"
        )
    by_district: dict = {}
    for commune_code, district in assignments.items():
        by_district.setdefault(district, []).append(commune_code)
    for district, commune_codes in sorted(by_district.items(), key=lambda item: item[0].code):
        members = communes.filter(code__in=commune_codes)
        union = members.aggregate(geom=Union("geom"))["geom"]
        if union is None:
            continue
        if not isinstance(union, MultiPolygon):
            union = MultiPolygon(union, srid=4326)
        unit = _upsert(
            edition=edition,
            feature=SourceFeature(
                level=Level.DISTRICT,
                code=district.code,
                name=district.name,
                full_name=district.full_name,
                unit_type=district.unit_type,
                name_en="",
                province_code=province.code,
                geom=union,
                origin=f"former district {district.code}",
            ),
            parent=province,
            report=report,
            administration_ended=DISTRICTS_ABOLISHED_ON,
        )
        moved = list(members.exclude(parent=unit).values_list("code", flat=True))
        report.updated.extend(c for c in moved if c not in report.created + report.updated)
        members.filter(code__in=moved).update(parent=unit)
        report.districts[district.code] = sorted(commune_codes)


def boundaries_import(
    *,
    edition: Edition,
    province_path: Path | None = None,
    commune_path: Path | None = None,
    province_codes: set[str] | None = None,
    dry_run: bool = False,
    progress: Progress = _no_progress,
) -> ImportReport:
    """Load provinces and communes into an edition; former districts for served provinces.

    Runs in one transaction: on any error, or with dry_run, nothing is written.
    """
    if province_path is None and commune_path is None:
        raise SourceError("nothing to import: give a province file, a commune file or both")
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        provinces: dict[str, AdminUnit] = {}
        if province_path is not None:
            reader = FeatureReader(
                path=province_path, level=Level.PROVINCE, province_codes=province_codes
            )
            for feature in progress(reader, _("tỉnh"), len(reader)):
                provinces[feature.code] = _upsert(
                    edition=edition, feature=feature, parent=None, report=report
                )
        if commune_path is not None:
            reader = FeatureReader(
                path=commune_path, level=Level.COMMUNE, province_codes=province_codes
            )
            for feature in progress(reader, _("xã/phường"), len(reader)):
                parent = (
                    provinces.get(feature.province_code)
                    or AdminUnit.objects.filter(
                        edition=edition, level=Level.PROVINCE, code=feature.province_code
                    ).first()
                )
                if parent is None:
                    raise SourceError(
                        f"{feature.origin} (code {feature.code}): province "
                        f"{feature.province_code} is not loaded in edition {edition.slug}; "
                        "import its outline first"
                    )
                provinces[parent.code] = parent
                # A commune already placed under a former district keeps that parent.
                existing = (
                    AdminUnit.objects.filter(
                        edition=edition,
                        level=Level.COMMUNE,
                        code=feature.code,
                        parent__level=Level.DISTRICT,
                    )
                    .select_related("parent")
                    .first()
                )
                _upsert(
                    edition=edition,
                    feature=feature,
                    parent=existing.parent if existing else parent,
                    report=report,
                )
            served = set(settings.BOUNDARIES_SERVED_PROVINCES)
            for code, province in sorted(provinces.items()):
                if code in served:
                    _build_former_districts(edition=edition, province=province, report=report)
        _update_areas(edition=edition, codes=report.created + report.updated)
        if dry_run:
            transaction.set_rollback(True)
    return report
