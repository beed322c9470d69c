"""Raw SQL of an agency's own area: named statements with parameters only."""

# The extent (west, south, east, north) of what an agency covers in one boundary edition: the
# administrative units of its jurisdiction and of the active fixed rules that target it (by
# official code: commune, former district or province), and the special zones it manages.
# Parameters by name: edition, agency, codes (the agency's jurisdiction codes). The units are
# read through their (edition, level, code) unique index; ST_Extent reads each geometry's
# stored bounding box. No row: NULLs.
AGENCY_AREA_EXTENT = """
SELECT ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box) FROM (
    SELECT ST_Extent(covered.geom) AS box FROM (
        SELECT unit.geom FROM boundaries_adminunit unit
        WHERE unit.edition_id = %(edition)s
          AND unit.level IN ('commune', 'district', 'province')
          AND unit.code IN (
              SELECT unnest(%(codes)s::text[])
              UNION
              SELECT jsonb_array_elements_text(rule.unit_codes) FROM routing_rules_rule rule
              WHERE rule.target_agency_id = %(agency)s AND rule.target_kind = 'fixed'
                AND rule.is_active
          )
        UNION ALL
        SELECT zone.area FROM routing_rules_specialzone zone
        WHERE zone.managing_agency_id = %(agency)s AND zone.is_active
    ) AS covered
) AS extent
"""
