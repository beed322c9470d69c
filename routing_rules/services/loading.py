"""Loading the project-authored routing data (categories, agencies, zones, rules) from data/.

Everything is checked and upserted by `code` in one transaction: a bad record raises DataError
naming the file, the record and the field, and nothing at all is written.
"""

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import models, transaction
from django.utils.translation import gettext as _

from boundaries.selectors import unit_list
from routing_rules.models import Agency, Category, Rule, SpecialZone
from routing_rules.services.records import (
    DataError,
    Record,
    geojson_features_read,
    toml_table_read,
)
from routing_rules.validation import (
    agency_validate,
    category_validate,
    rule_validate,
    zone_validate,
)

Progress = Callable[[Iterable, str, int], Iterable]

CATEGORIES_FILE = "categories.toml"
AGENCIES_FILE = "agencies.toml"
ZONES_FILE = "special_zones.geojson"
RULES_FILE = "rules.toml"
# Model fields the data files spell differently, so a validation error names the file's field.
DATA_FIELDS = {
    "jurisdiction_codes": "jurisdiction",
    "geom": "geometry",
    "unit_codes": "units",
    "target_kind": "target",
    "target_agency": "agency",
}


def _no_progress(items: Iterable, _label: str, _total: int) -> Iterable:
    return items


def routing_data_dir() -> Path:
    return Path(settings.ROUTING_DATA_DIR)


@dataclass
class LoadReport:
    dry_run: bool = False
    created: dict[str, list[str]] = field(default_factory=dict)
    updated: dict[str, list[str]] = field(default_factory=dict)
    unchanged: Counter = field(default_factory=Counter)
    not_in_data: dict[str, list[str]] = field(default_factory=dict)

    def count(self, kind: str, code: str, status: str) -> None:
        if status == "unchanged":
            self.unchanged[kind] += 1
        else:
            getattr(self, status).setdefault(kind, []).append(code)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _same(current, new) -> bool:
    if isinstance(current, GEOSGeometry) and isinstance(new, GEOSGeometry):
        return current.geom_type == new.geom_type and current.equals_exact(new, 1e-9)
    return current == new


def _upsert(model, code: str, values: dict, m2m: dict | None = None, existing=None) -> str:
    """Create or update the row with this code; `existing` (code → row) saves a query per row."""
    m2m = m2m or {}
    obj = existing.get(code) if existing is not None else model.objects.filter(code=code).first()
    if obj is None:
        obj = model.objects.create(code=code, **values)
        if existing is not None:
            existing[code] = obj
        for name, items in m2m.items():
            getattr(obj, name).set(items)
        return "created"
    changed = [name for name, value in values.items() if not _same(getattr(obj, name), value)]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save()
    for name, items in m2m.items():
        current = set(getattr(obj, name).values_list("pk", flat=True))
        if current != {item.pk for item in items}:
            getattr(obj, name).set(items)
            changed.append(name)
    return "updated" if changed else "unchanged"


class _Loader:
    def __init__(self, data_dir: Path, report: LoadReport, progress: Progress):
        self.dir = data_dir
        self.report = report
        self.progress = progress
        self.units = dict(unit_list().values_list("code", "level"))
        if not self.units:
            raise DataError(
                "-", "-", "-", "no administrative boundaries are loaded: run boundaries_import"
            )

    def _each(self, records: list, label: str):
        return self.progress(records, label, len(records))

    def _not_in_data(self, model, kind: str, codes: set[str]) -> None:
        stale = sorted(set(model.objects.values_list("code", flat=True)) - codes)
        if stale:
            self.report.not_in_data[kind] = stale

    def _unique(self, record: Record, seen: set[str]) -> str:
        code = record.code()
        if code in seen:
            raise record.error("code", "appears twice in the file")
        seen.add(code)
        return code

    def categories(self) -> None:
        allowed = {
            "code",
            "name",
            "group",
            "description",
            "keywords",
            "urgent_hint",
            "result_photos_required",
            "is_active",
        }
        raw = toml_table_read(self.dir / CATEGORIES_FILE, "category")
        seen: set[str] = set()
        existing = {category.code: category for category in Category.objects.all()}
        for index, item in enumerate(self._each(raw, _("lĩnh vực")), start=1):
            record = Record(CATEGORIES_FILE, f"category #{index}", item, allowed)
            code = self._unique(record, seen)
            values = {
                "name": record.text("name"),
                "group": record.text("group", required=False),
                "description": record.text("description", required=False),
                "keywords": record.items("keywords"),
                "urgent_hint": record.flag("urgent_hint", False),
                "result_photos_required": record.flag("result_photos_required", False),
                "is_active": record.flag("is_active", True),
                "sort_order": index * 10,
            }
            record.validated(category_validate, DATA_FIELDS, category=Category(**values))
            self.report.count("categories", code, _upsert(Category, code, values, None, existing))
        self._not_in_data(Category, "categories", seen)

    def agencies(self) -> None:
        allowed = {"code", "name", "kind", "parent", "jurisdiction", "email", "phone", "is_active"}
        raw = toml_table_read(self.dir / AGENCIES_FILE, "agency")
        records: dict[str, tuple[Record, dict, str]] = {}
        for index, item in enumerate(raw, start=1):
            record = Record(AGENCIES_FILE, f"agency #{index}", item, allowed)
            code = self._unique(record, set(records))
            values = {
                "name": record.text("name"),
                "kind": record.choice("kind", Agency.Kind),
                "jurisdiction_codes": record.items("jurisdiction"),
                "email": record.email("email"),
                "phone": record.text("phone", required=False),
                "is_active": record.flag("is_active", True),
            }
            record.validated(
                agency_validate, DATA_FIELDS, agency=Agency(**values), unit_levels=self.units
            )
            records[code] = (record, values, record.text("parent", required=False))
        existing = {agency.code: agency for agency in Agency.objects.select_related("parent")}
        for record, _values, parent in records.values():
            if parent and parent not in records and parent not in existing:
                raise record.error("parent", f"unknown agency {parent!r}")
        for code in self._each(self._parents_first(records), _("cơ quan")):
            _record, values, parent = records[code]
            values["parent"] = existing[parent] if parent else None
            self.report.count("agencies", code, _upsert(Agency, code, values, None, existing))
        self._not_in_data(Agency, "agencies", set(records))

    @staticmethod
    def _parents_first(records: dict) -> list[str]:
        ordered: list[str] = []
        placed: set[str] = set()
        pending = list(records)
        while pending:
            ready = [
                c
                for c in pending
                if not records[c][2] or records[c][2] not in records or records[c][2] in placed
            ]
            if not ready:
                record = records[pending[0]][0]
                raise record.error("parent", "agencies' parents form a cycle")
            ordered += ready
            placed.update(ready)
            pending = [c for c in pending if c not in placed]
        return ordered

    def zones(self) -> None:
        allowed = {
            "code",
            "name",
            "kind",
            "description",
            "buffer_m",
            "managing_agency",
            "approximate",
            "is_active",
        }
        features = geojson_features_read(self.dir / ZONES_FILE)
        seen: set[str] = set()
        for index, feature in enumerate(self._each(features, _("vùng đặc biệt")), start=1):
            properties = feature.get("properties") if isinstance(feature, dict) else None
            record = Record(ZONES_FILE, f"feature #{index}", properties, allowed)
            code = self._unique(record, seen)
            geom = self._geometry(record, feature.get("geometry"))
            manager_code = record.text("managing_agency", required=False)
            manager = Agency.objects.filter(code=manager_code).first() if manager_code else None
            if manager_code and manager is None:
                raise record.error("managing_agency", f"unknown agency {manager_code!r}")
            values = {
                "name": record.text("name"),
                "kind": record.choice("kind", SpecialZone.Kind),
                "description": record.text("description", required=False),
                "geom": geom,
                "buffer_m": float(record.number("buffer_m", default=0)),
                "managing_agency": manager,
                "approximate": record.flag("approximate", True),
                "is_active": record.flag("is_active", True),
            }
            record.validated(zone_validate, DATA_FIELDS, zone=SpecialZone(**values))
            self.report.count("zones", code, _upsert(SpecialZone, code, values))
        self._not_in_data(SpecialZone, "zones", seen)

    @staticmethod
    def _geometry(record: Record, raw) -> GEOSGeometry:
        if not isinstance(raw, dict):
            raise record.error("geometry", "is missing")
        try:
            return GEOSGeometry(json.dumps(raw), srid=4326)
        except (GEOSException, ValueError, TypeError) as exc:
            raise record.error("geometry", f"not a valid GeoJSON geometry: {exc}") from exc

    def rules(self) -> None:
        allowed = {
            "code",
            "name",
            "description",
            "priority",
            "is_active",
            "valid_from",
            "valid_to",
            "categories",
            "units",
            "commune_types",
            "zones",
            "zone_kinds",
            "urgency",
            "keywords",
            "target",
            "agency",
            "coordinators",
            "coordinate_commune_ubnd",
        }
        raw = toml_table_read(self.dir / RULES_FILE, "rule")
        records = [Record(RULES_FILE, f"rule #{i}", item, allowed) for i, item in enumerate(raw, 1)]
        codes = {record.raw.get("code") for record in records}
        priorities: dict[int, str] = {}
        seen: set[str] = set()
        for record in self._each(records, _("quy tắc")):
            code = self._unique(record, seen)
            values, m2m = self._rule(record)
            priority = values["priority"]
            if priority in priorities:
                raise record.error(
                    "priority", f"{priority} is also used by rule {priorities[priority]!r}"
                )
            priorities[priority] = code
            other = Rule.objects.filter(priority=priority).exclude(code__in=codes).first()
            if other:
                raise record.error(
                    "priority", f"{priority} is used by rule {other.code!r} in the database"
                )
            self.report.count("rules", code, _upsert(Rule, code, values, m2m))
        self._not_in_data(Rule, "rules", seen)

    def _rule(self, record: Record) -> tuple[dict, dict]:
        if record.raw.get("priority") is None:
            raise record.error("priority", "is required")
        agency_code = record.text("agency", required=False)
        values = {
            "name": record.text("name"),
            "description": record.text("description", required=False),
            "priority": record.raw["priority"],
            "is_active": record.flag("is_active", True),
            "valid_from": record.moment("valid_from"),
            "valid_to": record.moment("valid_to"),
            "unit_codes": record.items("units"),
            "commune_types": record.items("commune_types"),
            "zone_kinds": record.items("zone_kinds"),
            "urgency": record.choice("urgency", Rule.Urgency, default=Rule.Urgency.ANY),
            "keywords": record.items("keywords"),
            "target_kind": record.choice("target", Rule.Target),
            "target_agency": self._lookup(record, Agency, "agency", [agency_code])[0]
            if agency_code
            else None,
            "coordinate_commune_ubnd": record.flag("coordinate_commune_ubnd", False),
        }
        record.validated(rule_validate, DATA_FIELDS, rule=Rule(**values), unit_levels=self.units)
        m2m = {
            "categories": self._lookup(record, Category, "categories"),
            "zones": self._lookup(record, SpecialZone, "zones"),
            "coordinators": self._lookup(record, Agency, "coordinators"),
        }
        return values, m2m

    @staticmethod
    def _lookup(record: Record, model: type[models.Model], field: str, codes=None) -> list:
        codes = record.strings(field) if codes is None else codes
        found = {obj.code: obj for obj in model.objects.filter(code__in=codes)}
        for code in codes:
            if code not in found:
                noun = model._meta.model_name
                raise record.error(field, f"unknown {noun} {code!r}")
        return [found[code] for code in codes]


def routing_data_load(
    *, data_dir: Path | None = None, dry_run: bool = False, progress: Progress = _no_progress
) -> LoadReport:
    """Upsert categories, agencies, special zones and rules from `data_dir` (idempotent)."""
    report = LoadReport(dry_run=dry_run)
    with transaction.atomic():
        loader = _Loader(Path(data_dir or routing_data_dir()), report, progress)
        loader.categories()
        loader.agencies()
        loader.zones()
        loader.rules()
        if dry_run:
            transaction.set_rollback(True)
    return report
