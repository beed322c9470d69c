"""The communes of the edition in force, as SVG paths for the page's map (stats.map_sql).

Drawn once per boundaries version (the token boundaries' triggers bump on any change) and day
(the edition in force may change at midnight), then kept in the cache. The version is read
when the figures are (stats.summary keeps it in their payload): a visit reads no SQL for it.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from redis.exceptions import RedisError

from boundaries.models import AdminUnit
from boundaries.selectors import edition_at
from boundaries.sql import INDEX_VERSION_SQL
from stats.map_sql import COMMUNE_OUTLINES_SQL

# The band drawn for a province-wide picture a few hundred pixels across
# (boundaries.simplified.BANDS: 0.7 pixel at zoom 10).
BAND = 10
# Width of the drawing in SVG units; the height follows the province's shape.
WIDTH = 600.0
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class CommuneOutline:
    code: str
    name: str
    area_km2: float
    path: str
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Outlines:
    edition: str
    width: float
    height: float
    communes: tuple[CommuneOutline, ...]


def boundaries_version():
    """The boundaries' version token (any change of a unit bumps it)."""
    with connection.cursor() as cursor:
        cursor.execute(INDEX_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def commune_outlines_draw(*, at: date) -> Outlines:
    edition = edition_at(at=at)
    if edition is None:
        return Outlines(edition="", width=WIDTH, height=0.0, communes=())
    params = {
        "srid": settings.BOUNDARIES_METRIC_SRID,
        "band": BAND,
        "edition": edition.pk,
        "level": AdminUnit.Level.COMMUNE,
        "provinces": list(settings.BOUNDARIES_SERVED_PROVINCES),
        "scale": WIDTH,
    }
    with connection.cursor() as cursor:
        cursor.execute(COMMUNE_OUTLINES_SQL, params)
        rows = cursor.fetchall()
    communes = tuple(
        CommuneOutline(code, name, area, path, round(x, 1), round(y, 1))
        for code, name, area, path, x, y, _ in rows
    )
    height = round(rows[0][6], 1) if rows else 0.0
    return Outlines(edition=edition.name, width=WIDTH, height=height, communes=communes)


def commune_outlines(*, version, at: date) -> Outlines:
    """The served provinces' communes of the edition in force on `at`, as of boundaries
    version `version` (stats.summary keeps it with the figures)."""
    key = f"stats:outlines:{version}:{at.isoformat()}:{BAND}"
    try:
        outlines = cache.get(key)
    except RedisError:
        outlines = None
    if outlines is None:
        outlines = commune_outlines_draw(at=at)
        with suppress(RedisError):
            cache.set(key, outlines, CACHE_SECONDS)
    return outlines
