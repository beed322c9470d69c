"""Reading boundary features from the dataset's GeoJSON and GeoPackage (optionally .xz) files."""

import hashlib
import lzma
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

REQUIRED_PROPERTIES = ("code", "name", "fullName")
GPKG_LAYERS = {"province": "provinces", "commune": "communes"}


class SourceError(Exception):
    """The input file cannot be read or lacks what the import needs."""


@dataclass
class SourceFeature:
    level: str
    code: str
    name: str
    full_name: str
    unit_type: str
    name_en: str
    province_code: str
    geom: GEOSGeometry
    origin: str  # "file.geojson feature #3", for messages


def unit_type_from_full_name(full_name: str, name: str) -> str:
    """'Xã Mường Phăng', 'Mường Phăng' → 'xã'; 'Thành phố Hà Nội', 'Hà Nội' → 'thành phố'."""
    if full_name.endswith(name) and len(full_name) > len(name):
        return full_name[: -len(name)].strip().lower()
    return full_name.split(" ", 1)[0].lower()


def decompressed(path: Path) -> Path:
    """A readable copy of an .xz file, decompressed once into the cache directory."""
    if path.suffix != ".xz":
        return path
    stat = path.stat()
    key = hashlib.sha1(f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()
    target = Path(settings.BOUNDARIES_CACHE_DIR) / f"{path.stem}.{key[:12]}{Path(path.stem).suffix}"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(target.suffix + ".partial")
    try:
        with lzma.open(path) as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst, length=1 << 20)
    except (lzma.LZMAError, EOFError) as exc:
        partial.unlink(missing_ok=True)
        raise SourceError(f"{path}: not a valid .xz file ({exc})") from exc
    partial.rename(target)
    return target


def _open(path: Path) -> DataSource:
    if not path.exists():
        raise SourceError(f"{path}: file not found")
    try:
        return DataSource(str(decompressed(path)))
    except GDALException as exc:
        raise SourceError(f"{path}: cannot be read as GeoJSON or GeoPackage ({exc})") from exc


def _layer(source: DataSource, path: Path, level: str):
    if path.name.endswith((".gpkg", ".gpkg.xz")):
        wanted = GPKG_LAYERS[level]
        names = [layer.name for layer in source]
        if wanted not in names:
            raise SourceError(f"{path}: no layer '{wanted}' (layers: {', '.join(names)})")
        return source[wanted]
    return source[0]


class FeatureReader:
    """The features of one level in a file, optionally only those of some provinces."""

    def __init__(self, *, path: Path, level: str, province_codes: set[str] | None = None):
        self.path = Path(path)
        self.level = level
        self.province_codes = province_codes
        self._source = _open(self.path)
        self._layer = _layer(self._source, self.path, level)

    def __len__(self) -> int:
        return self._layer.num_feat

    def __iter__(self) -> Iterator[SourceFeature]:
        return _features(self._layer, self.path, self.level, self.province_codes)


def _features(layer, path: Path, level: str, province_codes: set[str] | None):
    fields = set(layer.fields)
    required = (*REQUIRED_PROPERTIES, "provinceCode") if level == "commune" else REQUIRED_PROPERTIES
    missing = [name for name in required if name not in fields]
    if missing:
        raise SourceError(
            f"{path}: required propert{'ies' if len(missing) > 1 else 'y'} "
            f"missing: {', '.join(missing)}"
        )
    srid = layer.srs.srid if layer.srs else 4326
    for index, feature in enumerate(layer, start=1):
        origin = f"{path.name} feature #{index}"
        values = {name: feature.get(name) for name in (*required, "nameEn") if name in fields}
        empty = [name for name in required if not values.get(name)]
        if empty:
            raise SourceError(f"{origin}: empty required property: {', '.join(empty)}")
        code = str(values["code"]).strip()
        province_code = str(values["provinceCode"]).strip() if level == "commune" else code
        if province_codes and province_code not in province_codes:
            continue
        geom = feature.geom.geos
        if geom.srid is None:
            geom.srid = srid
        if geom.srid != 4326:
            geom.transform(4326)
        if isinstance(geom, Polygon):
            geom = MultiPolygon(geom, srid=4326)
        if not isinstance(geom, MultiPolygon):
            raise SourceError(
                f"{origin} (code {code}): geometry is {geom.geom_type}, "
                "expected Polygon or MultiPolygon"
            )
        name = str(values["name"]).strip()
        full_name = str(values["fullName"]).strip()
        yield SourceFeature(
            level=level,
            code=code,
            name=name,
            full_name=full_name,
            unit_type=unit_type_from_full_name(full_name, name),
            name_en=str(values.get("nameEn") or "").strip(),
            province_code=province_code,
            geom=geom,
            origin=origin,
        )
