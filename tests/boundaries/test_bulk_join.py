"""The bulk join (boundaries.bulk) gives every point the commune the plain join over the raw
polygons gives it: borders, junctions, subdivision cut lines and slivers included."""

import random

import numpy as np
import pytest
from django.db import connection

from boundaries.bulk import Points, points_communes_join
from boundaries.models import Edition
from boundaries.services.bulk_join import points_communes_store

pytestmark = pytest.mark.django_db

# Points of every kind the bulk join could get wrong: anywhere in the province and in its
# bounding box, in the slivers between communes, on (and a rounding away from) shared
# vertices and shared edges, on the pieces' own vertices and along their edges (the cut lines
# ST_Subdivide drew inside a commune).
POINTS_SQL = """
    CREATE TEMP TABLE bulk_points AS
    WITH communes AS (SELECT ST_Union(geom) AS g FROM boundaries_adminunit WHERE level = 'commune'),
    province AS (SELECT geom AS g FROM boundaries_adminunit WHERE level = 'province'),
    zone AS (
        SELECT 10000 AS n, province.g FROM province
        UNION ALL SELECT 1000, ST_Difference(province.g, communes.g) FROM province, communes
    ),
    vertex AS (
        SELECT DISTINCT d.geom FROM boundaries_adminunit a, ST_DumpPoints(a.geom) d
        WHERE a.level = 'commune' AND mod(d.path[3], 20) = 0
    ),
    segment AS (
        SELECT s.geom FROM boundaries_adminunitpart part, ST_DumpSegments(part.geom) s
        WHERE part.level = 'commune' AND mod(s.path[2], 30) = 0
    ),
    point AS (
        SELECT false AS edge, d.geom FROM zone, ST_Dump(ST_GeneratePoints(zone.g, zone.n, 5)) d
        UNION ALL SELECT false, ST_SetSRID(ST_MakePoint(x, y), 4326)
        FROM unnest(%(xs)s::float8[], %(ys)s::float8[]) AS t(x, y)
        UNION ALL SELECT true, geom FROM vertex
        UNION ALL SELECT true, ST_StartPoint(geom) FROM segment
        UNION ALL SELECT true, ST_LineInterpolatePoint(geom, 0.5) FROM segment
        UNION ALL SELECT true, ST_LineInterpolatePoint(geom, random()) FROM segment
    )
    SELECT row_number() OVER () AS id, edge, geom FROM point
"""
# The plain join over the raw commune polygons; the lowest commune code on a shared border.
RAW_SQL = """
    SELECT DISTINCT ON (pt.id) pt.id, unit.id FROM bulk_points pt
    JOIN boundaries_adminunit unit ON ST_Covers(unit.geom, pt.geom)
    WHERE unit.level = 'commune' AND unit.edition_id = %(edition)s
    ORDER BY pt.id, unit.code
"""


def _points_table() -> tuple[int, int]:
    rnd = random.Random(5)
    box = [(rnd.uniform(102.0, 103.7), rnd.uniform(20.8, 22.7)) for _ in range(5000)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.5)")
        cursor.execute(POINTS_SQL, {"xs": [x for x, _ in box], "ys": [y for _, y in box]})
        cursor.execute("CREATE INDEX ON bulk_points USING gist (geom)")
        cursor.execute("ANALYZE bulk_points")
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE edge) FROM bulk_points")
        return cursor.fetchone()


def _raw(edition_id: int) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, {"edition": edition_id})
        return dict(cursor.fetchall())


@pytest.mark.slow
def test_every_point_gets_the_commune_the_raw_polygons_give_it_borders_and_slivers_included():
    edition = Edition.objects.get(slug="2025")
    total, on_edges = _points_table()
    expected = _raw(edition.pk)

    joined = points_communes_join(points=Points("bulk_points"), edition_id=edition.pk)

    assert len(joined.ids) == total == len(set(joined.ids.tolist()))
    answers = dict(zip(joined.ids.tolist(), joined.commune_ids.tolist(), strict=True))
    wrong = [
        (i, answers[i], expected.get(i, 0)) for i in answers if answers[i] != expected.get(i, 0)
    ]
    assert not wrong, wrong[:20]
    # Slivers and edges are all there: some points are in no commune, and PostGIS is asked
    # about some points on (or a rounding away from) an edge, never about the others.
    assert len(expected) < total
    assert 0 < joined.postgis_checked <= on_edges


def test_only_the_given_edition_counts(later_edition):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE museum (pk integer, point geometry(Point, 4326));"
            "INSERT INTO museum VALUES (7, ST_SetSRID(ST_MakePoint(103.0163, 21.3823), 4326)),"
            "(8, ST_SetSRID(ST_MakePoint(103.5, 21.9), 4326)), (9, NULL),"
            "(10, 'SRID=4326;POINT EMPTY')"
        )
    museum = Points("museum", id_column="pk", geom_column="point")
    commune = later_edition.units.get(level="commune")

    joined = points_communes_join(points=museum, edition_id=later_edition.pk)

    assert dict(zip(joined.ids.tolist(), joined.commune_ids.tolist(), strict=True)) == {
        7: commune.pk,
        8: 0,
        10: 0,
    }
    current = points_communes_join(points=museum, edition_id=Edition.objects.get(slug="2025").pk)
    assert current.commune_ids[current.ids == 7][0] not in (0, commune.pk)


def test_no_points_is_an_empty_join():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE nothing (id bigint, geom geometry(Point, 4326))")

    joined = points_communes_join(
        points=Points("nothing"), edition_id=Edition.objects.get(slug="2025").pk
    )

    assert joined.ids.dtype == np.int64 and len(joined.ids) == len(joined.commune_ids) == 0


def test_a_stored_join_is_a_table_sql_can_update_from(later_edition):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE sites (id bigint, geom geometry(Point, 4326));"
            "INSERT INTO sites SELECT i, ST_SetSRID(ST_MakePoint(103.0 + i * 0.019, 21.35), 4326)"
            " FROM generate_series(1, 8) i"
        )
    commune = later_edition.units.get(level="commune")  # covers 103.0–103.1

    joined = points_communes_store(
        points=Points("sites"), edition_id=later_edition.pk, into="sites_joined"
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT id, commune_id FROM sites_joined ORDER BY id")
        stored = cursor.fetchall()
    assert stored == [(i, commune.pk) for i in range(1, 6)]
    assert sorted(joined.ids.tolist()) == list(range(1, 9))
