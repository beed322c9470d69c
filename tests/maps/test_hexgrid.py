"""The arithmetic hexagon binning agrees with PostGIS ST_HexagonGrid cell for cell."""

import numpy as np
import pytest
from django.db import connection

from maps import hexgrid
from maps.sql.hexgrid import hex_bin_sql

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [250, 500, 2000])
def test_binning_matches_st_hexagongrid_membership(size):
    rng = np.random.default_rng(size)
    xs = rng.uniform(300_000, 420_000, 400)
    ys = rng.uniform(2_300_000, 2_450_000, 400)
    points = (
        "SELECT ST_SetSRID(ST_MakePoint(x, y), 32648) AS g, k "
        "FROM unnest(%s::float8[], %s::float8[], %s::int[]) AS t(x, y, k)"
    )
    binned = f"SELECT k, i, j FROM ({hex_bin_sql(points)}) b ORDER BY k"
    truth = f"""
        SELECT p.k, h.i, h.j
        FROM ({points}) p,
             LATERAL ST_HexagonGrid({size}, ST_Expand(p.g, {size * 2})) h
        WHERE ST_Intersects(h.geom, p.g)
        ORDER BY p.k, h.i, h.j
    """
    params = [xs.tolist(), ys.tolist(), list(range(400))]
    with connection.cursor() as cursor:
        cursor.execute(binned, [*params, size])
        ours = {k: (i, j) for k, i, j in cursor.fetchall()}
        cursor.execute(truth, params * 1)
        postgis: dict[int, set] = {}
        for k, i, j in cursor.fetchall():
            postgis.setdefault(k, set()).add((i, j))
    assert len(ours) == 400
    for k, cell in ours.items():
        assert cell in postgis[k]


def test_cell_size_follows_zoom():
    assert hexgrid.size_for_zoom(6) == 8000
    assert hexgrid.size_for_zoom(9) == 2000
    assert hexgrid.size_for_zoom(11) == 500
    assert hexgrid.size_for_zoom(18) == 250


def test_study_area_covers_the_province_with_contiguity_weights():
    area = hexgrid.study_area(size=2000)
    # Điện Biên is about 9,500 km²; a 2 km hexagon is about 10.4 km².
    assert 850 < len(area.i) < 1300
    neighbours = np.asarray(area.neighbours.sum(axis=1)).ravel()
    assert neighbours.max() == 7  # six neighbours and the cell itself
    assert neighbours.min() >= 1
