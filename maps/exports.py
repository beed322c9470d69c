"""Exports of map reports: GeoJSON, CSV (formula-safe) and GeoPackage.

Columns are a fixed allow-list: never the reporter's identity, never internal notes.
"""

import csv
import io
import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from maps.selectors import map_with_details

COLUMNS = (
    "reference",
    "title",
    "category",
    "category_name",
    "status",
    "status_label",
    "urgent",
    "commune",
    "commune_code",
    "district",
    "agency",
    "created_at",
    "due_at",
    "closed_at",
    "is_overdue",
    "lon",
    "lat",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _iso(value) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def export_rows(reports):
    # The view refuses larger exports first; this bounds any other caller.
    ordered = map_with_details(reports).order_by("id")[: settings.MAPS_EXPORT_MAX_FEATURES]
    for r in ordered.iterator(chunk_size=2000):
        yield {
            "reference": r.reference or "",
            "title": r.title,
            "category": r.category.code,
            "category_name": r.category.name,
            "status": r.status,
            "status_label": r.get_status_display(),
            "urgent": r.urgent,
            "commune": r.commune.full_name,
            "commune_code": r.commune.code,
            "district": r.district.full_name if r.district_id else "",
            "agency": r.current_agency.name if r.current_agency_id else "",
            "created_at": _iso(r.created_at),
            "due_at": _iso(r.due_at),
            "closed_at": _iso(r.closed_at),
            "is_overdue": r.is_overdue,
            "lon": round(r.point.x, 6),
            "lat": round(r.point.y, 6),
        }


def csv_safe(value) -> str:
    """Neutralise spreadsheet formulas: a cell starting with = + - @ gets a leading quote."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_csv(reports) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in export_rows(reports):
        values = [row[c] for c in COLUMNS]
        # Coordinates are numbers we produced; everything else may carry user text.
        writer.writerow([v if isinstance(v, float) else csv_safe(v) for v in values])
    # A BOM so spreadsheet programs read Vietnamese diacritics as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_geojson(reports) -> bytes:
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
            "properties": {k: v for k, v in row.items() if k not in ("lon", "lat")},
        }
        for row in export_rows(reports)
    ]
    return json.dumps(
        {"type": "FeatureCollection", "features": features}, ensure_ascii=False
    ).encode("utf-8")


def export_gpkg(reports) -> bytes:
    import geopandas as gpd
    from shapely.geometry import Point

    rows = list(export_rows(reports))
    frame = gpd.GeoDataFrame(
        [{k: v for k, v in row.items() if k not in ("lon", "lat")} for row in rows],
        columns=[c for c in COLUMNS if c not in ("lon", "lat")],
        geometry=[Point(row["lon"], row["lat"]) for row in rows],
        crs="EPSG:4326",
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "phan-anh.gpkg"
        frame.to_file(path, layer="phan_anh", driver="GPKG", engine="pyogrio")
        return path.read_bytes()


EXPORTERS = {
    "geojson": (export_geojson, "application/geo+json", "geojson"),
    "csv": (export_csv, "text/csv; charset=utf-8", "csv"),
    "gpkg": (export_gpkg, "application/geopackage+sqlite3", "gpkg"),
}
