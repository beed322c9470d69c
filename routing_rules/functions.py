"""Database expressions used by routing_rules models."""

from django.contrib.gis.db.models import MultiPolygonField
from django.db.models import Func

from routing_rules.sql import ZONE_AREA_PARTS, ZONE_AREA_SQL


class ZoneArea(Func):
    """The effective area of a special zone: its geometry widened by `buffer_m` metres.

    The buffer is computed on geography so metres are true metres anywhere; a zone without a
    buffer keeps its polygons as they are. Points and lines need a buffer to have an area.
    Every function used is IMMUTABLE, so PostgreSQL can keep this as a generated column.
    """

    output_field = MultiPolygonField(srid=4326)

    def __init__(self, geom, buffer_m, **extra):
        super().__init__(geom, buffer_m, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        compiled = {
            "geom": compiler.compile(self.source_expressions[0]),
            "buffer": compiler.compile(self.source_expressions[1]),
        }
        sql = ZONE_AREA_SQL % {name: part[0] for name, part in compiled.items()}
        params = tuple(param for name in ZONE_AREA_PARTS for param in compiled[name][1])
        return sql, params
