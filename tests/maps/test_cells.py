"""The report-cell cache answers low-zoom tiles, heatmaps and Gi* exactly like the live path."""

from datetime import date

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Polygon
from django.core.management import call_command

from maps import cells, layers, tiles
from maps.models import PointCell
from maps.selectors import (
    MapFilters,
    map_analysis_reports,
    map_open_reports,
    map_public_reports,
)
from reports.models import Report
from tests.maps.conftest import DBP, MUONG_THANH

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(make_report, road_category, planner):
    for k in range(6):
        make_report(DBP, age_days=k + 1)
    make_report(MUONG_THANH, category=road_category)
    make_report(MUONG_THANH, hidden=True, hidden_reason="x")
    make_report(DBP, private_result=True)
    for k in range(4):
        make_report(DBP, status=Report.Status.IN_PROGRESS, age_days=10 + k)
    make_report((103.3619, 21.8220), status=Report.Status.ASSIGNED, age_days=2)
    call_command("maps_cells_refresh")
    return planner


def tile_total(data: bytes) -> int:
    layer = mapbox_vector_tile.decode(data).get("counts", {"features": []})
    return sum(f["properties"]["count"] for f in layer["features"])


@pytest.mark.parametrize("z", [5, 7, 8, 9])
def test_cached_count_tiles_equal_live_ones(cached, z):
    from tests.maps.test_tiles import tile_xy

    x, y = tile_xy(*DBP, z)
    none = MapFilters()
    assert cells.cells_usable(none)
    live = tiles.count_tile(reports=map_public_reports(), filters=none, z=z, x=x, y=y)
    cache = tiles.report_tile(
        reports=map_public_reports(), filters=none, z=z, x=x, y=y, klasses=cells.PUBLIC_KLASSES
    )
    buffered = tiles.tile_bbox_wgs84(z, x, y, margin=tiles.BUFFER / tiles.EXTENT)
    in_tile = map_public_reports(filters=MapFilters(bbox=buffered))
    # 6 published and 4 in progress near DBP, 1 published in Mường Thanh (+1 far assigned one)
    assert tile_total(cache) == tile_total(live) == in_tile.count() >= 11


def test_cell_classes_split_reports_as_the_report_selectors_do(cached):
    def total(klasses) -> int:
        return sum(
            r[2] for r in cells.cells_hex_aggregate(filters=MapFilters(), klasses=klasses, size=500)
        )

    assert total(cells.PUBLIC_KLASSES) == map_public_reports().count() == 12
    assert total(cells.OPEN_KLASSES) == map_open_reports(user=cached).count() == 5
    assert total(cells.ALL_KLASSES) == Report.objects.count() == 14


def test_cached_heatmap_and_hotspots_equal_live_ones(cached):
    none = MapFilters()
    pending = map_open_reports(user=cached)
    for size in (250, 500, 2000):  # 250 m re-bins the mercator squares
        live = layers.heatmap_layer(reports=pending, size=size)
        cache = layers.heatmap_layer(reports=pending, size=size, filters=none)
        totals = [sum(f["properties"]["count"] for f in x["features"]) for x in (live, cache)]
        assert totals == [5, 5]
    exact_live = layers.heatmap_layer(reports=pending, size=500)
    exact_cache = layers.heatmap_layer(reports=pending, size=500, filters=none)
    key = lambda layer: sorted(  # noqa: E731
        (
            f["properties"]["i"],
            f["properties"]["j"],
            f["properties"]["count"],
            round(f["properties"]["weight"]),
        )
        for f in layer["features"]
    )
    assert key(exact_live) == key(exact_cache)

    everything = map_analysis_reports(user=cached)
    live_gi = layers.hotspot_layer(reports=everything, size=500, include_insignificant=True)
    cache_gi = layers.hotspot_layer(
        reports=everything, size=500, filters=none, include_insignificant=True
    )
    assert live_gi["reports"] == cache_gi["reports"] == 14
    z_live = {
        (f["properties"]["i"], f["properties"]["j"]): f["properties"]["z"]
        for f in live_gi["features"]
    }
    z_cache = {
        (f["properties"]["i"], f["properties"]["j"]): f["properties"]["z"]
        for f in cache_gi["features"]
    }
    assert z_live == z_cache


def test_category_filter_uses_the_cache(cached):
    only_roads = MapFilters(categories=("ha-tang-duong",))
    assert cells.cells_usable(only_roads)
    rows = cells.cells_hex_aggregate(filters=only_roads, klasses=cells.ALL_KLASSES, size=500)
    assert sum(r[2] for r in rows) == 1


@pytest.mark.parametrize(
    "filters",
    [
        MapFilters(statuses=("published",)),
        MapFilters(commune="03127"),
        MapFilters(date_from=date(2025, 1, 1)),
        MapFilters(urgent=True),
    ],
)
def test_filters_the_cache_cannot_answer_take_the_live_path(cached, filters):
    assert not cells.cells_usable(filters)


def test_stale_or_missing_cache_is_not_used(db, settings):
    assert not cells.cells_usable(MapFilters())  # never refreshed
    cells.cells_refresh()
    assert cells.cells_usable(MapFilters())
    settings.MAPS_CELL_CACHE_MAX_AGE = -1
    assert not cells.cells_usable(MapFilters())
    settings.MAPS_CELL_CACHE_MAX_AGE = 900
    settings.MAPS_CELL_CACHE = False
    assert not cells.cells_usable(MapFilters())


def test_refresh_command_dry_run(db, capsys):
    call_command("maps_cells_refresh", "--dry-run")
    assert "never" in capsys.readouterr().out


def point_features(data: bytes) -> dict[int, int]:
    layer = mapbox_vector_tile.decode(data).get("reports", {"features": []})
    return {f["properties"]["id"]: f["properties"].get("count", 1) for f in layer["features"]}


@pytest.mark.parametrize("z", [10, 13, 15])
def test_cached_point_cells_equal_live_ones(cached, z):
    from tests.maps.test_tiles import tile_xy

    x, y = tile_xy(*DBP, z)
    for reports, klasses in (
        (map_public_reports(), cells.PUBLIC_KLASSES),
        (map_analysis_reports(user=cached), cells.ALL_KLASSES),
    ):
        live = tiles.point_tile(reports=reports, filters=MapFilters(), z=z, x=x, y=y)
        cache = tiles.point_tile(
            reports=reports, filters=MapFilters(), z=z, x=x, y=y, klasses=klasses
        )
        assert point_features(cache) == point_features(live)
        assert (
            sum(point_features(live).values())
            == reports.filter(
                point__intersects=Polygon.from_bbox(tiles.tile_bbox_wgs84(z, x, y, margin=1 / 64))
            ).count()
        )


def test_a_cached_pick_hidden_since_the_refresh_leaves_the_public_tile(cached):
    from tests.maps.test_tiles import tile_xy

    x, y = tile_xy(*DBP, 15)
    before = point_features(
        tiles.report_tile(
            reports=map_public_reports(),
            filters=MapFilters(),
            z=15,
            x=x,
            y=y,
            klasses=cells.PUBLIC_KLASSES,
        )
    )
    assert PointCell.objects.filter(z=15).exists()
    shown = next(iter(before))
    Report.objects.filter(pk=shown).update(hidden=True, hidden_reason="Vi phạm")
    after = point_features(
        tiles.report_tile(
            reports=map_public_reports(),
            filters=MapFilters(),
            z=15,
            x=x,
            y=y,
            klasses=cells.PUBLIC_KLASSES,
        )
    )
    assert shown not in after
    PointCell.objects.all().delete()  # proof that the tile was read from the cache
    emptied = tiles.report_tile(
        reports=map_public_reports(),
        filters=MapFilters(),
        z=15,
        x=x,
        y=y,
        klasses=cells.PUBLIC_KLASSES,
    )
    assert point_features(emptied) == {}
