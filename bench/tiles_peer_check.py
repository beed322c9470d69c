"""Does tipg serve the same public reports as our tiles, under our collapse rule?

Below full detail our tile shows one report per 128-unit cell of maps.point_cells with the count
it stands for; tipg shows every report. tipg's reports are put in the same cells in PostGIS
(with maps.sql.point_cells' grid): its cells must be ours inside the tile, with our counts, and
our pick one of its reports. At full detail its reports must be ours inside the tile (ours add a
64-unit buffer around it).
"""

from collections import Counter

from django.db import connection
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from maps.point_cells import CELLS_PER_TILE, FULL_DETAIL_ZOOM, cells_per_world
from maps.sql.point_cells import FX, FY

# The cell (or, at full detail, the tile) of each report, on the grid of maps.point_cells.
_CELLS_SQL = f"""
SELECT r.id, floor({FX} * %s::int)::int, floor({FY} * %s::int)::int
FROM reports_report r WHERE r.id = ANY(%s)
"""


def features(data: bytes) -> dict[int, int]:
    """report id → how many reports its feature stands for, over every layer of the tile.

    Read with protobuf's C parser, geometry left alone: tipg's z 10 tiles hold 300,000 points,
    which mapbox_vector_tile.decode takes a minute to turn into coordinates.
    """
    tile = vector_tile_pb2.tile()
    tile.ParseFromString(data)
    found = {}
    for layer in tile.layers:
        keys = list(layer.keys)
        values = [
            value.int_value or value.uint_value or value.sint_value or int(value.double_value)
            for value in layer.values
        ]
        id_key = keys.index("id") if "id" in keys else -1
        count_key = keys.index("count") if "count" in keys else -1
        for feature in layer.features:
            tags = feature.tags
            props = dict(zip(tags[::2], tags[1::2], strict=True))
            found[values[props[id_key]]] = values[props[count_key]] if count_key in props else 1
    return found


def cells_of(ids, k: int) -> dict[int, tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(_CELLS_SQL, (k, k, list(ids)))
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}


def compare(z: int, x: int, y: int, ours: dict[int, int], peer: dict[int, int]) -> str:
    """'=' same features under the collapse rule, '⊆' peer's a subset, '≠' otherwise."""
    if z >= FULL_DETAIL_ZOOM:
        tile = cells_of(ours, 2**z)
        inside = {i for i, c in tile.items() if c == (x, y)}
        if set(peer) == inside:
            return "="
        return "⊆" if set(peer) <= inside else "≠"
    k = cells_per_world(z)
    first_x, first_y = x * CELLS_PER_TILE, y * CELLS_PER_TILE
    ours_cells = {
        cell: (report, ours[report])
        for report, cell in cells_of(ours, k).items()
        if first_x <= cell[0] < first_x + CELLS_PER_TILE
        and first_y <= cell[1] < first_y + CELLS_PER_TILE
    }
    peer_of = cells_of(peer, k)
    peer_cells = Counter(peer_of.values())
    subset = all(cell in ours_cells and n <= ours_cells[cell][1] for cell, n in peer_cells.items())
    same = (
        subset
        and set(peer_cells) == set(ours_cells)
        and all(peer_cells[cell] == n for cell, (_, n) in ours_cells.items())
        and all(peer_of.get(report) == cell for cell, (report, _) in ours_cells.items())
    )
    return "=" if same else ("⊆" if subset else "≠")
