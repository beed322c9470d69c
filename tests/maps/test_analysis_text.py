"""The heatmap and Gi* answers written in one pass (maps.analysis_text, maps.jsontext) are
byte for byte what the JSON renderer writes for the dict layers, and the answers kept with a
cell refresh are those of that refresh only."""

import json
import math

import numpy as np
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from maps import analysis_text, cells, hexgrid, jsontext, layers
from maps.selectors import MapFilters, map_analysis_reports, map_open_reports
from reports.models import Report
from tests.maps.conftest import DBP, MUONG_THANH


def rendered(value) -> bytes:
    return JSONRenderer().render(value)


def test_numbers_are_written_as_json_dumps_writes_them():
    rng = np.random.default_rng(7)
    raw = np.concatenate(
        [
            rng.uniform(-1e6, 1e6, 3000),
            rng.uniform(-1, 1, 3000),
            rng.uniform(100, 110, 3000),
            np.arange(-50, 50) / 20,  # exact halves and quarters
            [0.0, -0.0, 1e-5, 5e-5, 1e-4, 1e15, 1e16, 3e20, math.nan, math.inf, -math.inf],
        ]
    )
    for decimals in (0, 1, 3, 4, 6):
        rounded = [round(x, decimals) if math.isfinite(x) else x for x in raw.tolist()]
        assert np.array_equal(jsontext.py_round(raw, decimals), rounded, equal_nan=True)
        expected = ",".join(json.dumps(x) for x in rounded).encode()
        assert jsontext.records([jsontext.fixed(rounded, decimals)], len(rounded)) == expected
    ints = [0, -1, 7, 10, -305, 2**40, 123456789]
    assert (
        jsontext.records([jsontext.ints(ints)], len(ints))
        == b"0,-1,7,10,-305,1099511627776,123456789"
    )
    assert (
        jsontext.records([jsontext.floats(raw)], len(raw))
        == ",".join(json.dumps(x) for x in raw.tolist()).encode()
    )
    words = ["hot", "cold", "none", "hot"]
    assert (
        jsontext.records([b'"', jsontext.strings(words), b'"'], 4) == b'"hot","cold","none","hot"'
    )
    assert jsontext.records([b"x"], 0) == b""


def test_halves_round_like_python():
    values = [0.05, 0.15, 0.25, 0.35, 2.675, 1.0005, -0.05, -0.04, 12.45, 0.125, 1e10 + 0.05]
    for decimals in (1, 2, 3, 4):
        assert jsontext.py_round(values, decimals).tolist() == [round(x, decimals) for x in values]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [100, 238, 500, 8000])
def test_hexagon_geometries_are_hex_features_text(size):
    rng = np.random.default_rng(size)
    x, y = rng.uniform(300_000, 420_000, 300), rng.uniform(2_300_000, 2_450_000, 300)
    i = np.floor(x / (1.5 * size)).astype(int)
    j = np.floor(y / (size * 3**0.5)).astype(int)
    features = hexgrid.hex_features(
        [{"i": int(a), "j": int(b)} for a, b in zip(i, j, strict=True)], size
    )
    expected = b",".join(rendered(f["geometry"]) for f in features)
    assert jsontext.records([hexgrid.hex_geometry_block(i, j, size)], len(i)) == expected


@pytest.fixture
def spread(make_report, road_category, planner):
    """Reports in a few places, open and closed, of two categories; a fresh cell cache."""
    for k in range(6):
        make_report(DBP, status=Report.Status.IN_PROGRESS, age_days=k + 0.37)
    for k in range(3):
        status = Report.Status.ASSIGNED if k else Report.Status.PUBLISHED
        make_report(MUONG_THANH, category=road_category, status=status, age_days=2 * k + 1.11)
    make_report((103.3619, 21.8220), status=Report.Status.ASSIGNED, age_days=9.5)
    make_report((103.0578, 21.4300), status=Report.Status.SUBMITTED, age_days=0.2)
    call_command("maps_cells_refresh")
    return planner


@pytest.mark.django_db
@pytest.mark.parametrize("size", [250, 500, 2000, 777])
def test_the_heatmap_text_is_the_rendered_layer(spread, size):
    pending = map_open_reports(user=spread)
    rows = layers._live_rows(reports=pending, size=size, filters=None)
    text = analysis_text.heatmap_live(rows=rows, size=size)
    assert text == rendered(layers.heatmap_of_rows(rows=rows, size=size))
    assert sum(f["properties"]["count"] for f in json.loads(text)["features"]) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("size", [500, 2000, 2345])
@pytest.mark.parametrize("categories", [(), ("ha-tang-duong",)])
def test_the_hotspot_text_is_the_rendered_layer(spread, size, categories):
    everything = map_analysis_reports(user=spread)
    filters = MapFilters(categories=categories)
    text = analysis_text.hotspots_cached(filters=filters, size=size)
    layer = layers.hotspot_layer(reports=everything, size=size, filters=filters)
    assert text == rendered(layer)
    assert analysis_text.hotspots_cached(filters=filters, size=size) == text  # kept
    rows = layers._live_rows(reports=everything, size=size, filters=None)
    assert analysis_text.hotspots_text(size=size, rows=rows) == rendered(
        layers.hotspot_layer(reports=everything, size=size)
    )


def same_heatmap(answer: dict, layer: dict) -> None:
    """Equal but for the ages, which grow while the test runs."""
    assert answer.keys() == layer.keys() and answer["cell_size_m"] == layer["cell_size_m"]
    ours = {(f["properties"]["i"], f["properties"]["j"]): f for f in answer["features"]}
    theirs = {(f["properties"]["i"], f["properties"]["j"]): f for f in layer["features"]}
    assert ours.keys() == theirs.keys() and ours
    for key, feature in ours.items():
        other = theirs[key]
        assert feature["geometry"] == other["geometry"]
        assert feature["properties"]["count"] == other["properties"]["count"]
        assert feature["properties"]["weight"] == pytest.approx(
            other["properties"]["weight"], abs=0.11
        )
        assert feature["properties"]["intensity"] == pytest.approx(
            other["properties"]["intensity"], abs=0.01
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"cell": 500}, {"cell": 777}, {"zoom": 9, "category": "ha-tang-duong"}]
)
def test_the_views_answer_the_layers(client, spread, params):
    client.force_login(spread)
    filters = MapFilters(categories=tuple(filter(None, [params.get("category")])))
    size = params.get("cell") or hexgrid.size_for_zoom(params["zoom"])
    heat = client.get(reverse("maps-heatmap"), params)
    assert heat.status_code == 200 and heat["Content-Type"] == "application/json"
    pending = map_open_reports(user=spread, filters=filters)
    same_heatmap(heat.json(), layers.heatmap_layer(reports=pending, size=size, filters=filters))
    again = client.get(reverse("maps-heatmap"), params)  # from the kept totals and text
    same_heatmap(again.json(), heat.json())
    hot = client.get(reverse("maps-hotspots"), params)
    everything = map_analysis_reports(user=spread, filters=filters)
    assert hot.json() == layers.hotspot_layer(reports=everything, size=size, filters=filters)


@pytest.mark.django_db
def test_a_live_filter_is_answered_from_the_reports(client, spread):
    client.force_login(spread)
    params = {"cell": 500, "status": "in_progress"}
    heat = client.get(reverse("maps-heatmap"), params)
    assert sum(f["properties"]["count"] for f in heat.json()["features"]) == 6
    hot = client.get(reverse("maps-hotspots"), params)
    assert hot.json()["reports"] == 6


@pytest.mark.django_db
def test_answers_are_kept_for_their_refresh_only(client, spread, make_report):
    client.force_login(spread)
    first = client.get(reverse("maps-hotspots"), {"cell": 500}).json()
    heat = client.get(reverse("maps-heatmap"), {"cell": 500}).json()
    make_report(DBP, status=Report.Status.IN_PROGRESS)
    # Until the next rebuild the cells (and what is kept of them) answer as before.
    assert client.get(reverse("maps-hotspots"), {"cell": 500}).json() == first
    call_command("maps_cells_refresh")
    assert client.get(reverse("maps-hotspots"), {"cell": 500}).json()["reports"] == (
        first["reports"] + 1
    )
    counts = [f["properties"]["count"] for f in heat["features"]]
    later = client.get(reverse("maps-heatmap"), {"cell": 500}).json()
    assert sum(f["properties"]["count"] for f in later["features"]) == sum(counts) + 1


@pytest.mark.django_db
def test_cells_read_across_a_rebuild_are_served_not_kept(spread, monkeypatch):
    read = cells.cells_hex_totals

    def straddled(**kwargs):
        _refresh, totals = read(**kwargs)
        return None, totals  # a rebuild committed between the reads

    monkeypatch.setattr(cells, "cells_hex_totals", straddled)
    everything = MapFilters()
    text = analysis_text.hotspots_cached(filters=everything, size=1000)
    version, key = analysis_text._version_key(
        "hotspots", filters=everything, klasses=cells.ALL_KLASSES, size=1000
    )
    assert version is not None and text
    province = hexgrid._province()
    assert cache.get(f"{key}:{province.edition_id}:{province.province_code}") is None
    key, _totals = analysis_text._kept_totals(
        filters=everything, klasses=cells.OPEN_KLASSES, size=1000
    )
    assert key is None


@pytest.mark.django_db
def test_the_refresh_task_keeps_the_zoom_sizes_answers(spread):
    from maps.tasks import maps_cells_refresh

    maps_cells_refresh()
    everything = MapFilters()
    for _zoom, size in hexgrid.ZOOM_SIZES:
        version, key = analysis_text._version_key(
            "hex-totals", filters=everything, klasses=cells.OPEN_KLASSES, size=size
        )
        assert cache.get(key) is not None


@pytest.mark.django_db
def test_other_renderings_are_drf_s_own(client, spread):
    client.force_login(spread)
    plain = client.get(reverse("maps-hotspots"), {"cell": 500})
    indented = client.get(
        reverse("maps-hotspots"), {"cell": 500}, HTTP_ACCEPT="application/json; indent=2"
    )
    assert indented.status_code == 200 and b"\n  " in indented.content
    assert json.loads(indented.content) == plain.json()
    page = client.get(reverse("maps-heatmap"), {"cell": 500}, HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
