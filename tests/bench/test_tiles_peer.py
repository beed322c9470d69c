"""The tile peer bench (bench/tiles_peer.py) without its servers: the view tipg serves holds
exactly the public map's reports with our tile's properties, and its feature check tells the
same features, a subset and a foreign one apart under the collapse rule."""

import pytest
from django.db import connection

from bench.tiles_peer_check import compare, features
from bench.tiles_peer_servers import PEER_COLLECTION, peer_view_create, peer_view_drop
from maps.point_cells import FULL_DETAIL_ZOOM
from maps.selectors import MapFilters, map_public_reports
from maps.tiles import report_tile, tile_bbox_wgs84
from tests.maps.conftest import DBP
from tests.maps.test_tiles import tile_xy

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer_view(public_set):
    peer_view_create()
    yield PEER_COLLECTION
    peer_view_drop()


def peer_ids_in_tile(z: int, x: int, y: int) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {PEER_COLLECTION} "
            "WHERE point && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
            tile_bbox_wgs84(z, x, y),
        )
        return {row[0]: 1 for row in cursor.fetchall()}


def test_peer_view_holds_the_public_map_reports_with_our_tile_properties(peer_view, public_set):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {peer_view} ORDER BY id")
        columns = [column.name for column in cursor.description]
        ids = [row[0] for row in cursor.fetchall()]
    assert columns == [
        "id",
        "reference",
        "title",
        "status",
        "urgent",
        "category",
        "category_name",
        "created",
        "point",
    ]
    assert ids == sorted(map_public_reports().values_list("pk", flat=True))
    assert public_set["visible"].pk in ids
    assert not {public_set[k].pk for k in ("hidden", "private", "submitted")} & set(ids)


@pytest.mark.parametrize("z", [14, FULL_DETAIL_ZOOM])
def test_feature_check_tells_same_subset_and_foreign_apart(peer_view, public_set, z):
    x, y = tile_xy(*DBP, z)
    ours = features(report_tile(reports=map_public_reports(), filters=MapFilters(), z=z, x=x, y=y))
    peer = peer_ids_in_tile(z, x, y)
    # Two public reports at DBP: one feature counting 2 below full detail, both at it.
    assert len(peer) == 2
    assert len(ours) == (1 if z < FULL_DETAIL_ZOOM else 2)
    assert compare(z, x, y, ours, peer) == "="
    kept = {public_set["visible"].pk: 1} if z == FULL_DETAIL_ZOOM else {next(iter(ours)): 1}
    assert compare(z, x, y, ours, kept) == "⊆"
    foreign = {**peer, public_set["visible_mt"].pk: 1}
    assert compare(z, x, y, ours, foreign) == "≠"
