"""Importing boundary files: idempotency, dry runs, repairs, errors, the subdivided table."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.core.management import CommandError, call_command
from django.db import connection

from boundaries.models import AdminUnit, AdminUnitPart, Edition
from boundaries.services.editions import EDITION_2025, edition_ensure
from boundaries.services.importing import boundaries_import
from boundaries.services.sources import SourceError
from tests.conftest import dien_bien_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def scratch_edition() -> Edition:
    return Edition.objects.create(slug="scratch", name="Scratch", valid_from=date(2040, 1, 1))


def _geojson(tmp_path: Path, name: str, features: list[dict]) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def _feature(coordinates, **properties) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }


SQUARE = [[[103.0, 21.0], [103.1, 21.0], [103.1, 21.1], [103.0, 21.1], [103.0, 21.0]]]
BOWTIE = [[[103.0, 21.0], [103.1, 21.1], [103.1, 21.0], [103.0, 21.1], [103.0, 21.0]]]


def test_reimporting_the_same_files_changes_nothing():
    parts_before = AdminUnitPart.objects.count()
    province_path, commune_path = dien_bien_paths()
    report = boundaries_import(
        edition=edition_ensure(**EDITION_2025),
        province_path=province_path,
        commune_path=commune_path,
    )
    assert (report.created, report.updated, report.unchanged) == ([], [], 56)
    assert AdminUnit.objects.filter(edition__slug="2025").count() == 56
    assert AdminUnitPart.objects.count() == parts_before


def test_dry_run_reports_what_it_would_do_and_writes_nothing(scratch_edition):
    province_path, commune_path = dien_bien_paths()
    out = StringIO()
    call_command(
        "boundaries_import",
        "--edition",
        "scratch",
        "--dry-run",
        "--provinces",
        str(province_path),
        "--communes",
        str(commune_path),
        stdout=out,
    )
    assert "[dry run] would have created 56" in out.getvalue()
    assert not AdminUnit.objects.filter(edition=scratch_edition).exists()
    assert not AdminUnitPart.objects.filter(edition=scratch_edition).exists()


def test_invalid_geometry_is_repaired_and_reported(tmp_path, scratch_edition):
    path = _geojson(
        tmp_path,
        "p.geojson",
        [
            _feature(BOWTIE, code="11", name="Điện Biên", fullName="Tỉnh Điện Biên"),
        ],
    )
    report = boundaries_import(edition=scratch_edition, province_path=path)
    assert report.repaired[0][0] == "11"
    assert "Self-intersection" in report.repaired[0][1]
    unit = AdminUnit.objects.get(edition=scratch_edition, code="11")
    assert unit.geom.valid
    assert unit.geom.geom_type == "MultiPolygon"
    assert unit.area_km2 > 0


def test_the_command_names_the_missing_file():
    with pytest.raises(CommandError, match="no-such.geojson: file not found"):
        call_command("boundaries_import", "--communes", "/tmp/no-such.geojson")


def test_a_missing_required_property_is_named(tmp_path, scratch_edition):
    path = _geojson(tmp_path, "c.geojson", [_feature(SQUARE, code="11", name="Điện Biên")])
    with pytest.raises(SourceError, match="required property missing: fullName"):
        boundaries_import(edition=scratch_edition, province_path=path)


def test_an_error_in_a_later_feature_leaves_nothing_written(tmp_path, scratch_edition):
    path = _geojson(
        tmp_path,
        "p.geojson",
        [
            _feature(SQUARE, code="11", name="Điện Biên", fullName="Tỉnh Điện Biên"),
            _feature(SQUARE, code="", name="Lai Châu", fullName="Tỉnh Lai Châu"),
        ],
    )
    with pytest.raises(SourceError, match="feature #2: empty required property: code"):
        boundaries_import(edition=scratch_edition, province_path=path)
    assert not AdminUnit.objects.filter(edition=scratch_edition).exists()


def test_a_commune_whose_province_is_not_loaded_is_refused(tmp_path, scratch_edition):
    path = _geojson(
        tmp_path,
        "c.geojson",
        [
            _feature(
                SQUARE,
                code="03334",
                name="Mường Thanh",
                fullName="Phường Mường Thanh",
                provinceCode="11",
            ),
        ],
    )
    with pytest.raises(SourceError, match="province 11 is not loaded in edition scratch"):
        boundaries_import(edition=scratch_edition, commune_path=path)


def test_unknown_edition_needs_a_start_date():
    with pytest.raises(CommandError, match="give --valid-from"):
        call_command("boundaries_import", "--edition", "2031")


def test_changing_a_geometry_rebuilds_its_subdivided_pieces(edition_2025):
    unit = AdminUnit.objects.get(edition=edition_2025, code="03334")
    old_ids = set(unit.parts.values_list("id", flat=True))
    unit.geom = MultiPolygon(unit.geom.buffer(0.001), srid=4326)
    unit.save()
    new_ids = set(unit.parts.values_list("id", flat=True))
    assert new_ids and not (old_ids & new_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT max(ST_NPoints(p.geom)), "
            "abs(ST_Area(ST_Union(p.geom)) - ST_Area(u.geom)) / ST_Area(u.geom) "
            "FROM boundaries_adminunitpart p JOIN boundaries_adminunit u ON u.id = p.unit_id "
            "WHERE u.id = %s GROUP BY u.geom",
            [unit.pk],
        )
        max_vertices, area_error = cursor.fetchone()
    assert max_vertices <= 192
    assert area_error < 1e-9


def test_saving_without_a_geometry_change_keeps_the_pieces(edition_2025):
    unit = AdminUnit.objects.get(edition=edition_2025, code="03334")
    ids = set(unit.parts.values_list("id", flat=True))
    unit.name_en = "Muong Thanh"
    unit.save()
    assert set(unit.parts.values_list("id", flat=True)) == ids


def test_every_piece_of_every_unit_is_small():
    assert AdminUnitPart.objects.count() > AdminUnit.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(ST_NPoints(geom)) FROM boundaries_adminunitpart")
        assert cursor.fetchone()[0] <= 192


@pytest.mark.slow
def test_national_geopackage_xz_imports_one_province(scratch_edition):
    national = Path(dien_bien_paths()[0]).parent.parent / "vietnam" / "vietnam_2025.gpkg.xz"
    report = boundaries_import(
        edition=scratch_edition,
        province_path=national,
        commune_path=national,
        province_codes={"11"},
    )
    assert len(report.created) == 56  # province, 45 communes, 10 former districts
    codes = set(
        AdminUnit.objects.filter(edition=scratch_edition, level="commune").values_list(
            "code", flat=True
        )
    )
    assert codes == set(
        AdminUnit.objects.filter(edition__slug="2025", level="commune").values_list(
            "code", flat=True
        )
    )
