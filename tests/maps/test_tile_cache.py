"""The shared cache of public tiles (maps.tile_cache) is never stale: each write that changes a
tile, whichever way it is made, changes the version the tile is kept under; cached tiles are
the bytes drawn without the cache."""

import re
from datetime import date

import mapbox_vector_tile
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from maps import tile_cache, tiles
from maps.point_cells import FULL_DETAIL_ZOOM
from maps.selectors import map_public_reports, map_reports_sql
from maps.sql.tile_cache import LEVELS
from reports.models import Report, Role
from reports.services import moderation
from routing_rules.models import Category
from tests.maps.conftest import DBP, MUONG_THANH
from tests.maps.test_tiles import tile_xy
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tile_cache_on(settings):
    settings.MAPS_TILE_CACHE = True


@pytest.fixture
def ioc(db):
    return UserFactory(username="ioc-tiles", role=Role.IOC_OPERATOR)


def draw(z: int, point=DBP) -> bytes:
    """The tile drawn without the cache."""
    x, y = tile_xy(*point, z)
    with override_settings(MAPS_TILE_CACHE=False):
        return tile_cache.public_tile(z=z, x=x, y=y)


def served(z: int, point=DBP) -> bytes:
    x, y = tile_xy(*point, z)
    return tile_cache.public_tile(z=z, x=x, y=y)


def ids(data: bytes) -> set[int]:
    layer = mapbox_vector_tile.decode(data).get("reports", {"features": []})
    return {f["properties"]["id"] for f in layer["features"]}


def props(data: bytes, pk: int) -> dict:
    layer = mapbox_vector_tile.decode(data)["reports"]["features"]
    return next(f["properties"] for f in layer if f["properties"]["id"] == pk)


def test_cached_tile_is_the_drawn_tile(public_set, django_assert_max_num_queries):
    first = served(FULL_DETAIL_ZOOM)
    assert first == draw(FULL_DETAIL_ZOOM)
    assert public_set["visible"].pk in ids(first)
    # A hit reads the version only: no tile query.
    with django_assert_max_num_queries(1):
        assert served(FULL_DETAIL_ZOOM) == first


@pytest.mark.parametrize("z", [FULL_DETAIL_ZOOM, 14, 10])
def test_new_report_shows_at_once(make_report, public_set, z):
    before = served(z)
    fresh = make_report(DBP, title="Mới gửi")
    after = served(z)
    assert after == draw(z) != before
    if z >= FULL_DETAIL_ZOOM:
        assert fresh.pk in ids(after)


@pytest.mark.parametrize("z", [FULL_DETAIL_ZOOM, 14])
def test_hidden_report_leaves_at_once(public_set, ioc, z):
    visible = public_set["visible"]
    before = served(z)
    # Below full detail the cell shows one report (the newest here) and its count.
    assert visible.pk in ids(before) or z < FULL_DETAIL_ZOOM
    moderation.report_hide(actor=ioc, report=visible, reason="Ngôn từ xúc phạm")
    after = served(z)
    assert visible.pk not in ids(after)
    assert after == draw(z) != before


def test_merged_report_leaves_at_once(make_report, public_set, ioc):
    duplicate = make_report(DBP, status=Report.Status.ASSIGNED)
    assert duplicate.pk in ids(served(FULL_DETAIL_ZOOM))
    moderation.report_merge(actor=ioc, report=duplicate, into=public_set["visible"])
    after = served(FULL_DETAIL_ZOOM)
    assert duplicate.pk not in ids(after) and public_set["visible"].pk in ids(after)


def test_bulk_raw_moved_and_deleted_reports(public_set):
    visible, other = public_set["visible"], public_set["visible_mt"]
    served(FULL_DETAIL_ZOOM)
    Report.objects.filter(pk=visible.pk).update(title="Sửa hàng loạt")
    assert props(served(FULL_DETAIL_ZOOM), visible.pk)["title"] == "Sửa hàng loạt"
    with connection.cursor() as cursor:
        cursor.execute("UPDATE reports_report SET urgent = true WHERE id = %s", [visible.pk])
    assert props(served(FULL_DETAIL_ZOOM), visible.pk)["urgent"] is True
    # Moved away: the tile it left and the tile it reached both change.
    served(FULL_DETAIL_ZOOM, MUONG_THANH)
    Report.objects.filter(pk=visible.pk).update(
        point=f"SRID=4326;POINT({MUONG_THANH[0]} {MUONG_THANH[1]})"
    )
    assert visible.pk not in ids(served(FULL_DETAIL_ZOOM))
    assert visible.pk in ids(served(FULL_DETAIL_ZOOM, MUONG_THANH))
    Report.objects.filter(pk=other.pk).delete()
    assert other.pk not in ids(served(FULL_DETAIL_ZOOM, MUONG_THANH))


def test_renamed_category_shows_at_once(public_set):
    visible = public_set["visible"]
    served(FULL_DETAIL_ZOOM)
    Category.objects.filter(pk=visible.category_id).update(name="Môi trường (đổi tên)")
    assert props(served(FULL_DETAIL_ZOOM), visible.pk)["category_name"] == "Môi trường (đổi tên)"


def test_cell_refresh_changes_the_key(public_set, make_report):
    call_command("maps_cells_refresh")
    first = served(14)
    assert first == draw(14)
    call_command("maps_cells_refresh")
    assert served(14) == draw(14)


def test_fold_keeps_versions(public_set):
    x, y = tile_xy(*DBP, FULL_DETAIL_ZOOM)
    version = tile_cache.tile_version(using="default", z=FULL_DETAIL_ZOOM, x=x, y=y)
    assert version[0] > 0
    tile_cache.tile_changes_fold()
    assert tile_cache.tile_version(using="default", z=FULL_DETAIL_ZOOM, x=x, y=y) == version


@pytest.mark.parametrize("z", [10, 12, 13, 14, 15, 16, 17, 19])
def test_every_place_a_tile_reads_is_in_its_cells(z):
    """The trigger's cell of a point is among the cells of every tile whose reach holds it:
    points at the tile's corners, just outside them and inside."""
    x, y = tile_xy(*DBP, z)
    west, south, east, north = tiles.tile_bbox_wgs84(z, x, y, margin=tile_cache.REACH * 0.99)
    points = [
        (lon, lat)
        for lon in (west, (west + east) / 2, east)
        for lat in (south, (south + north) / 2, north)
    ]
    wanted = set(tile_cache.tile_cells(z, x, y))
    level = max(level for level in LEVELS if level <= z)
    with connection.cursor() as cursor:
        for lon, lat in points:
            cursor.execute(
                "SELECT (%s::bigint << 42) + (floor((%s + 180) / 360 * 2 ^ %s)::bigint << 21)"
                " + floor((1 - ln(tan(radians(%s)) + 1 / cos(radians(%s))) / pi()) / 2"
                " * 2 ^ %s)::bigint",
                [level, lon, level, lat, lat, level],
            )
            assert cursor.fetchone()[0] in wanted, (lon, lat)
    assert 0 in wanted and len(wanted) <= 10


def test_trigger_notes_the_cells_the_python_side_reads(make_report, env_category):
    x, y = tile_xy(*DBP, FULL_DETAIL_ZOOM)
    before = tile_cache.tile_version(using="default", z=FULL_DETAIL_ZOOM, x=x, y=y)
    far = tile_cache.tile_version(using="default", z=FULL_DETAIL_ZOOM, x=x + 8, y=y)
    make_report(DBP)
    assert tile_cache.tile_version(using="default", z=FULL_DETAIL_ZOOM, x=x, y=y) > before
    assert tile_cache.tile_version(using="default", z=FULL_DETAIL_ZOOM, x=x + 8, y=y) == far


def test_public_reports_read_only_tables_the_triggers_watch():
    """The markers see writes to reports and categories only: a public-map rule reading
    another table would need its trigger too (maps.sql.tile_cache)."""
    sql, params = map_reports_sql(map_public_reports(), *tiles.POINT_COLUMNS)
    tables = set(re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', sql))
    assert tables == {"reports_report", "routing_rules_category"}, tables
    # Nor may the rule depend on the time (no write would mark the tiles it changes).
    assert not [p for p in params if isinstance(p, date)], params


def test_redis_down_draws_the_tile(public_set, monkeypatch):
    class Down:
        def get(self, *args, **kwargs):
            raise ConnectionError("redis down")

        set = get

    monkeypatch.setattr(tile_cache, "cache", Down())
    assert served(FULL_DETAIL_ZOOM) == draw(FULL_DETAIL_ZOOM)
