"""Raw SQL of the routing_rules app."""

# Template of the ZoneArea expression: %(geom)s and %(buffer)s are compiled SQL fragments
# (with their own parameters), filled in the order ZONE_AREA_PARTS lists them.
ZONE_AREA_SQL = (
    "ST_Multi(ST_CollectionExtract(CASE WHEN %(buffer)s > 0 "
    "THEN ST_Buffer((%(geom)s)::geography, %(buffer)s)::geometry "
    "ELSE %(geom)s END, 3))"
)
ZONE_AREA_PARTS = ("buffer", "geom", "buffer", "geom")
