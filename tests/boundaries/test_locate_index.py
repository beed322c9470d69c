"""The in-process locate index answers exactly as the PostGIS path, and sees every change."""

import dataclasses
import random
from datetime import date
from urllib.parse import urlencode

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.db import connection, transaction
from django.http import QueryDict

from boundaries import selectors
from boundaries.models import AdminUnit, Edition
from boundaries.selectors import LocateError, commune_locate, commune_locate_postgis
from boundaries.serializers import (
    LocateInputSerializer,
    LocationSerializer,
    locate_query_fast,
    location_data,
)

pytestmark = pytest.mark.django_db

AT = date(2026, 1, 1)
MUSEUM = (103.0163, 21.3823)  # Phường Điện Biên Phủ

# The PostGIS path (commune_locate_postgis) for every point in one statement: the lowest-code
# commune piece covering it; else the province piece covering it (served first); for a served
# one, the nearest commune piece on the spheroid within the tolerance.
REFERENCE_SQL = """
WITH pts AS (
    SELECT t.i, t.x, t.y, ST_SetSRID(ST_MakePoint(t.x, t.y), 4326) AS g
    FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) WITH ORDINALITY AS t(x, y, i)
), located AS (
    SELECT pts.*, (
        SELECT part.unit_code FROM boundaries_adminunitpart part
        WHERE part.edition_id = %(edition)s AND part.level = 'commune'
          AND part.province_code = ANY(%(served)s) AND ST_Covers(part.geom, pts.g)
        ORDER BY part.unit_code LIMIT 1) AS commune
    FROM pts
), provinced AS (
    SELECT located.*, prov.code AS province, prov.served
    FROM located LEFT JOIN LATERAL (
        SELECT part.unit_code AS code, part.province_code = ANY(%(served)s) AS served
        FROM boundaries_adminunitpart part
        WHERE located.commune IS NULL AND part.edition_id = %(edition)s
          AND part.level = 'province' AND ST_Covers(part.geom, located.g)
        ORDER BY served DESC, part.unit_code LIMIT 1) prov ON true
)
SELECT provinced.commune, provinced.province, provinced.served, near.code, near.metres
FROM provinced LEFT JOIN LATERAL (
    SELECT part.unit_code AS code,
           ST_Distance(part.geom::geography, provinced.g::geography) AS metres
    FROM boundaries_adminunitpart part
    WHERE provinced.commune IS NULL AND provinced.served AND part.edition_id = %(edition)s
      AND part.level = 'commune' AND part.province_code = ANY(%(served)s)
      AND part.geom && ST_Expand(
          provinced.g, %(tolerance)s / 111320.0 / greatest(cos(radians(provinced.y)), 0.1) * 1.1)
    ORDER BY metres, part.unit_code LIMIT 1) near ON true
ORDER BY provinced.i
"""

SHARED_VERTICES_SQL = """
    WITH v AS (
        SELECT DISTINCT a.id, ST_X(d.geom) AS x, ST_Y(d.geom) AS y
        FROM boundaries_adminunit a, ST_DumpPoints(a.geom) d WHERE a.level = 'commune'
    )
    SELECT x, y, count(*) FROM v GROUP BY x, y HAVING count(*) >= 2 ORDER BY x, y
"""
# Segments of commune rings whose both ends are shared with another commune: points along
# them are on (or a rounding away from) a shared border.
SHARED_EDGES_SQL = f"""
    WITH shared AS ({SHARED_VERTICES_SQL.replace("ORDER BY x, y", "")}),
    seg AS (
        SELECT ST_X(ST_StartPoint(s.geom)) AS x0, ST_Y(ST_StartPoint(s.geom)) AS y0,
               ST_X(ST_EndPoint(s.geom)) AS x1, ST_Y(ST_EndPoint(s.geom)) AS y1
        FROM boundaries_adminunit a, ST_DumpSegments(a.geom) s WHERE a.level = 'commune'
    )
    SELECT seg.x0, seg.y0, seg.x1, seg.y1 FROM seg
    JOIN shared s0 ON s0.x = seg.x0 AND s0.y = seg.y0
    JOIN shared s1 ON s1.x = seg.x1 AND s1.y = seg.y1
    ORDER BY seg.x0, seg.y0, seg.x1, seg.y1
"""
PIECE_VERTICES_SQL = """
    SELECT ST_X(d.geom), ST_Y(d.geom)
    FROM boundaries_adminunitpart part, ST_DumpPoints(part.geom) d
    WHERE part.level = 'commune' AND mod(part.id, 7) = 0 AND mod(d.path[2], 11) = 0
"""
GENERATED_SQL = """
    WITH communes AS (SELECT ST_Union(geom) AS g FROM boundaries_adminunit WHERE level = 'commune'),
    province AS (SELECT geom AS g FROM boundaries_adminunit WHERE level = 'province'),
    zone AS (
        SELECT 'inside' AS kind, 40000 AS n, province.g FROM province
        UNION ALL SELECT 'sliver', 1000, ST_Difference(province.g, communes.g)
        FROM province, communes
        UNION ALL SELECT 'overhang', 1000, ST_Difference(communes.g, province.g)
        FROM province, communes
    )
    SELECT zone.kind, ST_X(d.geom), ST_Y(d.geom)
    FROM zone, ST_Dump(ST_GeneratePoints(zone.g, zone.n, 11)) d
"""


def _rows(sql: str, params: dict | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _points() -> dict[str, list[tuple[float, float]]]:
    rnd = random.Random(13)
    sets: dict[str, list[tuple[float, float]]] = {"inside": [], "sliver": [], "overhang": []}
    for kind, x, y in _rows(GENERATED_SQL):
        sets[kind].append((x, y))
    vertices = _rows(SHARED_VERTICES_SQL)
    sets["junction"] = [(x, y) for x, y, n in vertices if n >= 3]
    sets["vertex"] = [(x, y) for x, y, _ in rnd.sample(vertices, 4000)]
    edges = rnd.sample(_rows(SHARED_EDGES_SQL), 3000)
    sets["edge"] = [((x0 + x1) / 2, (y0 + y1) / 2) for x0, y0, x1, y1 in edges]
    for x0, y0, x1, y1 in edges:
        t = rnd.random()
        sets["edge"].append((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
    sets["piece-vertex"] = [tuple(xy) for xy in _rows(PIECE_VERTICES_SQL)[:3000]]
    sets["far"] = [(rnd.uniform(101, 110), rnd.uniform(8, 24)) for _ in range(1000)]
    total = sum(len(points) for points in sets.values())
    sets["bbox"] = [
        (rnd.uniform(102.09, 103.65), rnd.uniform(20.84, 22.6)) for _ in range(100_000 - total)
    ]
    return sets


def _reference(points: list[tuple[float, float]], settings) -> list[tuple]:
    # Fresh from the import, the pieces may have no statistics yet: without them the planner
    # probes every piece for every point instead of using the spatial index.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE boundaries_adminunitpart")
    rows = _rows(
        REFERENCE_SQL,
        {
            "xs": [x for x, _ in points],
            "ys": [y for _, y in points],
            "edition": Edition.objects.get(slug="2025").pk,
            "served": list(settings.BOUNDARIES_SERVED_PROVINCES),
            "tolerance": settings.BOUNDARIES_SLIVER_TOLERANCE_M,
        },
    )
    answers = []
    for commune, province, served, near_code, metres in rows:
        if commune is not None:
            answers.append(("contains", commune, 0.0))
        elif province is not None and served:
            if near_code is not None and metres <= settings.BOUNDARIES_SLIVER_TOLERANCE_M:
                answers.append(("nearest", near_code, round(float(metres), 1)))
            else:
                answers.append(("far",))
        else:
            answers.append(("outside", province))
    return answers


def _answer(lon: float, lat: float) -> tuple:
    try:
        location = commune_locate(lon=lon, lat=lat, at=AT)
    except LocateError as error:
        if "cách mọi xã/phường" in error.message:
            return ("far",)
        return ("outside", error.province.code if error.province else None)
    assert location.province.code == "11" and location.edition == "2025"
    return (location.method, location.commune.code, location.distance_m)


@pytest.mark.slow
def test_the_index_answers_as_postgis_on_100000_points_borders_and_slivers_included(
    settings, monkeypatch
):
    settings.BOUNDARIES_INDEX_CHECK_SECONDS = 3600  # one token for the whole run
    sets = _points()
    kinds = [kind for kind, points in sets.items() for _ in points]
    points = [point for points in sets.values() for point in points]
    assert len(points) == 100_000
    expected = _reference(points, settings)

    deferred: list[str] = []

    def postgis(**point):
        deferred.append(current)
        return commune_locate_postgis(**point)

    monkeypatch.setattr(selectors, "commune_locate_postgis", postgis)
    for kind, (lon, lat), want in zip(kinds, points, expected, strict=True):
        current = (kind, lon, lat, want)
        assert _answer(lon, lat) == want, current
    # Only slivers are left to PostGIS: borders are decided in-process.
    assert {answer[0] for _, _, _, answer in deferred} <= {"nearest", "far"}
    assert sum(kind == "sliver" for kind, *_ in deferred) == len(sets["sliver"])
    assert len(deferred) < 2_000
    assert {answer[0] for answer in expected} == {"contains", "nearest", "outside"}


def test_a_shared_vertex_goes_to_the_lowest_code_in_process(settings, django_assert_num_queries):
    settings.BOUNDARIES_INDEX_CHECK_SECONDS = 3600
    junctions = [(x, y) for x, y, n in _rows(SHARED_VERTICES_SQL) if n >= 3][:20]
    commune_locate(lon=MUSEUM[0], lat=MUSEUM[1], at=AT)
    with django_assert_num_queries(0):
        answers = [commune_locate(lon=x, lat=y, at=AT).commune.code for x, y in junctions]
    assert answers == [
        commune_locate_postgis(lon=x, lat=y, at=AT).commune.code for x, y in junctions
    ]


def test_locate_api_makes_no_query_once_the_index_is_warm(
    api_client, settings, django_assert_num_queries
):
    settings.BOUNDARIES_INDEX_CHECK_SECONDS = 3600
    url = "/api/v1/locate?lat=21.3661&lon=103.0365"
    first = api_client.get(url)
    with django_assert_num_queries(0):
        again = api_client.get(url)
        outside = api_client.get("/api/v1/locate?lat=21.03&lon=105.85")  # Hà Nội
    assert again.status_code == 200 and again.json() == first.json()
    assert first.json()["commune"]["code"] == "03334"
    assert outside.status_code == 422 and outside.json()["province"] is None


def test_each_lookup_reads_only_the_token_when_the_check_is_due(django_assert_num_queries):
    commune_locate(lon=MUSEUM[0], lat=MUSEUM[1])
    with django_assert_num_queries(1) as captured:
        commune_locate(lon=MUSEUM[0], lat=MUSEUM[1])
    assert "boundaries_version" in captured.captured_queries[0]["sql"]


def test_with_the_index_off_postgis_answers_the_same(settings, django_assert_num_queries):
    settings.BOUNDARIES_INDEX_ENABLED = False
    with django_assert_num_queries(1):
        location = commune_locate(lon=103.0365, lat=21.3661)
    settings.BOUNDARIES_INDEX_ENABLED = True
    assert commune_locate(lon=103.0365, lat=21.3661) == location


def test_a_renamed_commune_is_seen_by_the_next_lookup():
    before = commune_locate(lon=MUSEUM[0], lat=MUSEUM[1])
    AdminUnit.objects.filter(pk=before.commune.id).update(full_name="Phường Đổi Tên")
    assert commune_locate(lon=MUSEUM[0], lat=MUSEUM[1]).commune.full_name == "Phường Đổi Tên"


def test_a_moved_boundary_is_seen_by_the_next_lookup():
    hanoi = (105.85, 21.03)
    with pytest.raises(LocateError):
        commune_locate(lon=hanoi[0], lat=hanoi[1])
    with connection.cursor() as cursor:  # raw SQL, as a bulk fix would write it
        cursor.execute(
            "UPDATE boundaries_adminunit SET geom = ST_Multi(ST_Buffer("
            "ST_SetSRID(ST_MakePoint(%s, %s), 4326), 0.01)) WHERE code = '03334'",
            list(hanoi),
        )
    assert commune_locate(lon=hanoi[0], lat=hanoi[1]).commune.code == "03334"


def test_a_new_edition_is_seen_and_a_rolled_back_one_is_forgotten():
    assert commune_locate(lon=MUSEUM[0], lat=MUSEUM[1], at=date(2030, 1, 1)).edition == "2025"
    with transaction.atomic():
        edition = Edition.objects.create(slug="2030", name="Thử", valid_from=date(2030, 1, 1))
        box = MultiPolygon(Polygon.from_bbox((103.0, 21.3, 103.1, 21.4)), srid=4326)
        common = {"edition": edition, "area_km2": 1, "geom": box, "province_code": "11"}
        province = AdminUnit.objects.create(
            level="province", code="11", name="Điện Biên", full_name="Tỉnh Điện Biên",
            unit_type="tỉnh", **common,
        )  # fmt: skip
        AdminUnit.objects.create(
            level="commune", code="99999", name="Thử", full_name="Phường Thử",
            unit_type="phường", parent=province, **common,
        )  # fmt: skip
        moved = commune_locate(lon=MUSEUM[0], lat=MUSEUM[1], at=date(2030, 1, 1))
        assert (moved.edition, moved.commune.code) == ("2030", "99999")
        transaction.set_rollback(True)
    again = commune_locate(lon=MUSEUM[0], lat=MUSEUM[1], at=date(2030, 1, 1))
    assert (again.edition, again.commune.code) != ("2030", "99999")
    assert again.edition == "2025"


def test_the_fast_locate_body_is_the_serializers_one():
    contains = commune_locate(lon=103.0365, lat=21.3661)
    lon, lat = _rows(
        "SELECT ST_X(ST_PointOnSurface(g)), ST_Y(ST_PointOnSurface(g)) FROM ("
        "SELECT (ST_Dump(ST_Difference(p.geom, (SELECT ST_Union(geom) FROM "
        "boundaries_adminunit WHERE level = 'commune')))).geom AS g "
        "FROM boundaries_adminunit p WHERE p.level = 'province') s ORDER BY ST_Area(g) DESC LIMIT 1"
    )[0]
    nearest = commune_locate(lon=lon, lat=lat)
    assert nearest.method == "nearest"
    no_district = dataclasses.replace(contains, district=None)
    for location in (contains, nearest, no_district):
        assert location_data(location) == LocationSerializer(location).data


@pytest.mark.parametrize(
    "query",
    [
        {"lat": "21.3661", "lon": "103.0365"},
        {"lat": " 21.3661 ", "lon": "1_03.0365"},
        {"lat": "-90", "lon": "180"},
        {"lat": "2e1", "lon": "1.03e2"},
    ],
)
def test_the_fast_locate_query_reads_what_the_serializer_validates(query):
    serializer = LocateInputSerializer(data=QueryDict(urlencode(query)))
    assert serializer.is_valid()
    assert locate_query_fast(QueryDict(urlencode(query))) == serializer.validated_data


@pytest.mark.parametrize(
    "query",
    [
        "lat=nan&lon=103",
        "lat=21&lon=inf",
        "lat=91&lon=103",
        "lat=21&lon=-181",
        "lat=&lon=103",
        "lat=abc&lon=103",
        "lon=103",
        "lat=21.3&lon=103&at=2026-01-01",
        "lat=" + "1" * 300 + "&lon=103",
    ],
)
def test_anything_else_goes_to_the_serializer(query):
    assert locate_query_fast(QueryDict(query)) is None
