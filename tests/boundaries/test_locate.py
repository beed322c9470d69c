"""The point → province / former district / commune join against the real Điện Biên data."""

from datetime import date

import pytest
from django.db import connection

from boundaries.models import AdminUnit
from boundaries.selectors import LocateError, commune_locate

pytestmark = pytest.mark.django_db


def _interior_points() -> list[tuple[str, str | None, float, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.code, d.code, ST_X(ST_PointOnSurface(c.geom)), "
            "ST_Y(ST_PointOnSurface(c.geom)) FROM boundaries_adminunit c "
            "LEFT JOIN boundaries_adminunit d ON d.id = c.parent_id "
            "WHERE c.level = 'commune' ORDER BY c.code"
        )
        return cursor.fetchall()


def test_every_commune_is_found_from_an_interior_point():
    points = _interior_points()
    assert len(points) == 45
    for commune_code, district_code, lon, lat in points:
        location = commune_locate(lon=lon, lat=lat)
        assert location.commune.code == commune_code
        assert location.district.code == district_code
        assert location.province.code == "11"
        assert location.method == "contains"
        assert location.distance_m == 0


def test_point_in_phuong_muong_thanh_reports_names_and_types():
    # The new Phường Mường Thanh lies south of the city centre (old Noong Bua, Nam Thanh).
    location = commune_locate(lon=103.0365, lat=21.3661)
    assert location.commune.code == "03334"
    assert location.commune.full_name == "Phường Mường Thanh"
    assert location.commune.unit_type == "phường"
    assert location.district.code == "094"
    assert location.district.full_name == "Thành phố Điện Biên Phủ"
    assert location.province.full_name == "Tỉnh Điện Biên"
    assert location.edition == "2025"


def _sql_point(sql: str) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


SLIVER_SQL = """
    WITH communes AS (
        SELECT ST_Union(geom) AS geom FROM boundaries_adminunit WHERE level = 'commune'
    ),
    pieces AS (
        SELECT (ST_Dump(ST_Difference(p.geom, c.geom))).geom AS geom
        FROM boundaries_adminunit p, communes c WHERE p.level = 'province'
    )
    SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
    FROM pieces ORDER BY ST_Area(geom) DESC LIMIT 1
"""

OVERHANG_SQL = """
    WITH communes AS (
        SELECT ST_Union(geom) AS geom FROM boundaries_adminunit WHERE level = 'commune'
    ),
    pieces AS (
        SELECT (ST_Dump(ST_Difference(c.geom, p.geom))).geom AS geom
        FROM boundaries_adminunit p, communes c WHERE p.level = 'province'
    )
    SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom))
    FROM pieces ORDER BY ST_Area(geom) DESC LIMIT 1
"""


def test_sliver_point_inside_outline_but_in_no_commune_snaps_to_nearest_commune():
    lon, lat = _sql_point(SLIVER_SQL)
    location = commune_locate(lon=lon, lat=lat)
    assert location.method == "nearest"
    assert 0 < location.distance_m <= 2000
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT code FROM boundaries_adminunit WHERE level = 'commune' "
            "ORDER BY ST_Distance(geom::geography, "
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography) LIMIT 1",
            [lon, lat],
        )
        assert location.commune.code == cursor.fetchone()[0]


def test_point_in_a_commune_but_outside_the_outline_is_served():
    lon, lat = _sql_point(OVERHANG_SQL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_Covers(geom, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) "
            "FROM boundaries_adminunit WHERE level = 'province'",
            [lon, lat],
        )
        assert cursor.fetchone()[0] is False
    location = commune_locate(lon=lon, lat=lat)
    assert location.method == "contains"
    assert location.distance_m == 0


def test_point_on_a_shared_border_gets_the_lowest_code_every_time():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.code, b.code, ST_X(v.geom), ST_Y(v.geom)
            FROM boundaries_adminunit a
            JOIN boundaries_adminunit b
              ON a.level = 'commune' AND b.level = 'commune' AND a.code < b.code
             AND ST_Intersects(a.geom, b.geom),
            LATERAL ST_DumpPoints(ST_Boundary(a.geom)) v
            WHERE a.code = '03334' AND ST_Covers(b.geom, v.geom)
            LIMIT 1
            """
        )
        low, high, lon, lat = cursor.fetchone()
    answers = {commune_locate(lon=lon, lat=lat).commune.code for _ in range(5)}
    assert answers == {low}
    assert low < high


def test_point_outside_the_province_without_national_data_is_outside_the_served_area():
    with pytest.raises(LocateError) as error:
        commune_locate(lon=105.85, lat=21.03)  # Hà Nội
    assert error.value.province is None
    assert "ngoài địa bàn" in error.value.message


def test_point_outside_names_the_province_when_national_data_is_loaded(lai_chau_outline):
    with pytest.raises(LocateError) as error:
        commune_locate(lon=103.45, lat=22.40)
    assert error.value.province.code == "12"
    assert "Tỉnh Lai Châu" in error.value.message


def test_a_date_before_every_edition_is_an_error():
    with pytest.raises(LocateError, match="01/01/2020"):
        commune_locate(lon=103.0163, lat=21.3823, at=date(2020, 1, 1))


def test_the_edition_valid_at_the_date_is_used(later_edition):
    moved = commune_locate(lon=103.0163, lat=21.3823, at=date(2030, 1, 1))
    assert moved.edition == later_edition.slug
    assert moved.commune.code == "99999"
    assert commune_locate(lon=103.0163, lat=21.3823, at=date(2026, 1, 1)).edition == "2025"


def test_units_count_per_level():
    counts = {
        level: AdminUnit.objects.filter(edition__slug="2025", level=level).count()
        for level in AdminUnit.Level.values
    }
    assert counts == {"province": 1, "district": 10, "commune": 45}
