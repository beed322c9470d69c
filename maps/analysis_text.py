"""The heatmap and Gi* answers as the JSON text the API renders, built in one pass.

The dict layers (maps.layers.heatmap_layer / hotspot_layer) stay the reference; these write
the same bytes (tests compare them) without a dict per hexagon or a float repr per vertex
(maps.jsontext), and keep what only changes with a cell refresh:
- Gi* depends on the counts alone: from the cell cache, the whole answer is kept in the shared
  cache under the refresh's id (each rebuild has a new one), exact until the next rebuild;
- the heatmap's weights are ages, which grow every second: its per-hexagon totals (count, sum
  of submission times) are kept in the shared cache under the refresh's id, and the text of
  everything but the weight and intensity in this process; each request ages the totals.
A refresh committing while the cells are read gives no id (cells.cells_hex_totals): that
answer is served, not kept.
"""

from __future__ import annotations

import time
from collections import OrderedDict

import numpy as np
from django.conf import settings
from django.core.cache import cache

from maps import cells, hexgrid, jsontext
from maps.layers import hotspot_cells
from maps.selectors import MapFilters, map_category_ids

# Heatmap texts kept in this process: about 5 MB each at the smallest cell over the province
# (18,000 hexagons), a few hundred kB at the zoom sizes a map asks for.
STATIC_KEPT = 4
_static: OrderedDict[str, np.ndarray] = OrderedDict()


def _version_key(
    kind: str, *, filters: MapFilters, klasses: tuple, size: float
) -> tuple[int | None, str | None]:
    """The current fresh refresh's id and the shared-cache key of an answer from its cells."""
    refresh = cells.cells_refresh_id(filters)
    if refresh is None:
        return None, None
    categories = sorted(map_category_ids(filters.categories)) if filters.categories else []
    classes = ",".join(sorted(klasses))
    # repr: the answer writes the size as given (250 or 250.0).
    return refresh, f"maps:{kind}:{refresh}:{size!r}:{classes}:{','.join(map(str, categories))}"


def _kept_totals(*, filters: MapFilters, klasses: tuple, size: float) -> tuple[str | None, object]:
    """(key, (n, 4) totals i, j, count, sum of submission epochs); key None if not kept."""
    version, key = _version_key("hex-totals", filters=filters, klasses=klasses, size=size)
    if key is not None:
        stored = cache.get(key)
        if stored is not None:
            return key, np.frombuffer(stored, dtype=float).reshape(-1, 4)
    refresh, totals = cells.cells_hex_totals(filters=filters, klasses=klasses, size=size)
    if key is None or refresh != version:
        return None, totals
    cache.set(key, totals.tobytes(), cells.max_age())
    return key, totals


def _feature_head(i, j, n, size: float) -> list:
    """The text of each hexagon feature up to its count (columns of maps.jsontext.block)."""
    return [
        b'{"type":"Feature","geometry":',
        hexgrid.hex_geometry_block(i, j, size),
        b',"properties":{"i":',
        jsontext.ints(i),
        b',"j":',
        jsontext.ints(j),
        b',"count":',
        jsontext.ints(n),
    ]


def _heat_static(i, j, n, size: float) -> np.ndarray:
    """Each feature's text up to its weight (padded rows, maps.jsontext.block)."""
    parts = [*_feature_head(i, j, n, size), b',"weight":']
    return jsontext.block(parts, len(n))


def _heat_text(*, static: np.ndarray, age, size: float) -> bytes:
    # Python's round, like heatmap_layer (numpy's differs on some halves).
    weights = jsontext.py_round(age, 1)
    top = float(weights.max()) if len(weights) else 0.0
    intensity = jsontext.py_round(weights / top, 4) if top else np.zeros(len(weights))
    body = jsontext.records(
        [static, jsontext.fixed(weights, 1), b',"intensity":', jsontext.fixed(intensity, 4), b"}}"],
        len(weights),
    )
    head = b'{"type":"FeatureCollection","cell_size_m":' + jsontext.dumps(size)
    return head + b',"features":[' + body + b"]}"


def heatmap_live(*, rows: list, size: float) -> bytes:
    """The heatmap text of (i, j, count, total age in days) rows (hexgrid.hex_aggregate)."""
    table = np.array([(i, j, n, float(age)) for i, j, n, age in rows], dtype=float).reshape(-1, 4)
    i, j, n = (table[:, k].astype(np.int64) for k in range(3))
    return _heat_text(static=_heat_static(i, j, n, size), age=table[:, 3], size=size)


def heatmap_cached(*, filters: MapFilters, size: float) -> bytes:
    """The heatmap text from the cell cache (the caller checked it can answer)."""
    key, totals = _kept_totals(filters=filters, klasses=cells.OPEN_KLASSES, size=size)
    i, j, n = (totals[:, k].astype(np.int64) for k in range(3))
    static = _static.get(key) if key else None
    if static is None:
        static = _heat_static(i, j, n, size)
        if key:
            _static[key] = static
            while len(_static) > STATIC_KEPT:
                _static.popitem(last=False)
    else:
        _static.move_to_end(key)
    # The total age now, as the SQL of cells_hex_aggregate writes it.
    age = (totals[:, 2] * time.time() - totals[:, 3]) / 86400.0
    return _heat_text(static=static, age=age, size=size)


def hotspots_text(*, size: float, rows) -> bytes:
    """Gi* over (i, j, count, …) rows as hotspot_layer's JSON text (significant cells)."""
    area, counts, result = hotspot_cells(reports=None, size=size, rows=rows)
    keep = np.nonzero(result.level)[0]
    i, j, level = area.i[keep], area.j[keep], result.level[keep]
    kind = np.where(level > 0, "hot", np.where(level < 0, "cold", "none")).tolist()
    parts = [
        *_feature_head(i, j, counts[keep].astype(np.int64), size),
        b',"z":',
        jsontext.fixed([round(z, 3) for z in result.z[keep].tolist()], 3),
        b',"p":',
        jsontext.floats(result.p[keep]),
        b',"confidence":',
        jsontext.ints(np.abs(level)),
        b',"kind":"',
        jsontext.strings(kind),
        b'"}}',
    ]
    head = jsontext.dumps(
        {
            "type": "FeatureCollection",
            "cell_size_m": size,
            "cells_tested": int(len(counts)),
            "reports": int(counts.sum()),
            "correction": "Benjamini-Hochberg FDR",
        }
    )
    features = jsontext.records(parts, len(keep))
    return head[:-1] + b',"features":[' + features + b"]}"


def hotspots_cached(*, filters: MapFilters, size: float) -> bytes:
    """The Gi* text from the cell cache, kept whole for the refresh it comes from."""
    province = hexgrid.study_area_check(size=size)
    version, key = _version_key("hotspots", filters=filters, klasses=cells.ALL_KLASSES, size=size)
    if key is not None:
        key += f":{province.edition_id}:{province.province_code}"
        stored = cache.get(key)
        if stored is not None:
            return stored
    refresh, totals = cells.cells_hex_totals(filters=filters, klasses=cells.ALL_KLASSES, size=size)
    text = hotspots_text(size=size, rows=totals.tolist())
    if key is not None and refresh == version:
        cache.set(key, text, cells.max_age())
    return text


def analysis_warm() -> list[float]:
    """Keep the unfiltered Gi* answers and heatmap totals of every zoom size for the current
    refresh (the cell refresh task runs this after a rebuild); the sizes done."""
    from maps.budget import statement_budget

    everything = MapFilters()
    if not cells.cells_usable(everything):
        return []
    done = []
    for size in sorted({s for _zoom, s in hexgrid.ZOOM_SIZES}):  # ints, as requests give them
        with statement_budget(settings.MAPS_ANALYSIS_BUILD_MS):
            hotspots_cached(filters=everything, size=size)
            _kept_totals(filters=everything, klasses=cells.OPEN_KLASSES, size=size)
        done.append(size)
    return done
