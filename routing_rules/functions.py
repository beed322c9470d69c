"""Database expressions used by routing_rules models."""

from django.contrib.gis.db.models import MultiPolygonField
from django.db.models import Func


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
        geom_sql, geom_params = compiler.compile(self.source_expressions[0])
        buffer_sql, buffer_params = compiler.compile(self.source_expressions[1])
        sql = (
            f"ST_Multi(ST_CollectionExtract(CASE WHEN {buffer_sql} > 0 "
            f"THEN ST_Buffer(({geom_sql})::geography, {buffer_sql})::geometry "
            f"ELSE {geom_sql} END, 3))"
        )
        params = (*buffer_params, *geom_params, *buffer_params, *geom_params)
        return sql, params
