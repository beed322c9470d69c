"""The change markers the shared tile cache keys its tiles by (see maps.tile_cache).

Every write that can change a public tile notes the web-mercator cells (at LEVELS) of the
report's old and new position in maps_tilechange, in the writing transaction, whatever wrote it
(services, the admin, QuerySet.update, cascades, raw SQL): statement-level triggers, insert
only, so concurrent writers never wait on a shared row. A category's rename or removal and a
TRUNCATE note cell 0, which every tile reads. Any column of a report counts: the trigger does
not restate which columns the public-map rule or the tile reads.
"""

# Zoom levels of the noted cells: a tile at zoom z reads the cells of the highest level ≤ z.
LEVELS = (10, 14)
# Cell ids: level · 2**42 + x · 2**21 + y (x, y < 2**21 up to level 21); 0 is everything.
_CELL = """
    (l.level::bigint << 42) + (least(greatest(floor((ST_X(p) + 180) / 360 * 2 ^ l.level), 0),
                                      2 ^ l.level - 1)::bigint << 21)
    + least(greatest(floor((1 - ln(tan(radians(ST_Y(p))) + 1 / cos(radians(ST_Y(p)))) / pi())
                           / 2 * 2 ^ l.level), 0), 2 ^ l.level - 1)::bigint
"""
_LEVELS = "(VALUES " + ", ".join(f"({level})" for level in LEVELS) + ") l(level)"
# The marker: weight 1 (a fold adds weights up) and the writing transaction's id.
_NOTE = """
    INSERT INTO maps_tilechange (cell, weight, last_xid)
    SELECT DISTINCT {cell}, 1, pg_current_xact_id()::text::bigint
    FROM (SELECT point AS p FROM ({rows}) r WHERE point IS NOT NULL) pts,
         {levels}
"""


def _note(rows: str) -> str:
    return _NOTE.format(cell=_CELL, rows=rows, levels=_LEVELS)


_GLOBAL = (
    "INSERT INTO maps_tilechange (cell, weight, last_xid) "
    "VALUES (0, 1, pg_current_xact_id()::text::bigint)"
)

CREATE = f"""
CREATE TABLE maps_tilechange (
    id bigserial PRIMARY KEY,
    cell bigint NOT NULL,
    weight bigint NOT NULL,
    last_xid bigint NOT NULL
);
CREATE INDEX maps_tilechange_cell ON maps_tilechange (cell) INCLUDE (weight, last_xid);
CREATE FUNCTION maps_tile_note_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_note("SELECT point FROM maps_tile_new")};
    RETURN NULL;
END $$;
CREATE FUNCTION maps_tile_note_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_note("SELECT point FROM maps_tile_old")};
    RETURN NULL;
END $$;
CREATE FUNCTION maps_tile_note_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_note("SELECT point FROM maps_tile_old UNION ALL SELECT point FROM maps_tile_new")};
    RETURN NULL;
END $$;
CREATE FUNCTION maps_tile_note_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_GLOBAL};
    RETURN NULL;
END $$;
CREATE TRIGGER maps_tile_note_insert AFTER INSERT ON reports_report
    REFERENCING NEW TABLE AS maps_tile_new FOR EACH STATEMENT
    EXECUTE FUNCTION maps_tile_note_inserted();
CREATE TRIGGER maps_tile_note_delete AFTER DELETE ON reports_report
    REFERENCING OLD TABLE AS maps_tile_old FOR EACH STATEMENT
    EXECUTE FUNCTION maps_tile_note_deleted();
CREATE TRIGGER maps_tile_note_update AFTER UPDATE ON reports_report
    REFERENCING OLD TABLE AS maps_tile_old NEW TABLE AS maps_tile_new FOR EACH STATEMENT
    EXECUTE FUNCTION maps_tile_note_updated();
CREATE TRIGGER maps_tile_note_truncate AFTER TRUNCATE ON reports_report
    FOR EACH STATEMENT EXECUTE FUNCTION maps_tile_note_all();
CREATE TRIGGER maps_tile_note_category AFTER UPDATE OR DELETE OR TRUNCATE
    ON routing_rules_category FOR EACH STATEMENT EXECUTE FUNCTION maps_tile_note_all();
"""

DROP = """
DROP TRIGGER maps_tile_note_insert ON reports_report;
DROP TRIGGER maps_tile_note_delete ON reports_report;
DROP TRIGGER maps_tile_note_update ON reports_report;
DROP TRIGGER maps_tile_note_truncate ON reports_report;
DROP TRIGGER maps_tile_note_category ON routing_rules_category;
DROP FUNCTION maps_tile_note_inserted(); DROP FUNCTION maps_tile_note_deleted();
DROP FUNCTION maps_tile_note_updated(); DROP FUNCTION maps_tile_note_all();
DROP TABLE maps_tilechange;
"""

# The version of a tile's cells (%s: their ids, 0 included): how many markers were ever
# committed there (each commit adds ≥ 1, a fold keeps the sum) and the newest writer's id.
VERSION = """
SELECT coalesce(sum(weight), 0), coalesce(max(last_xid), 0)
FROM maps_tilechange WHERE cell = ANY(%s)
"""

# Markers committed so far folded into one per cell, same sum, same newest id; markers
# committed meanwhile are not in the DELETE's snapshot and stay as they are.
FOLD = """
WITH gone AS (DELETE FROM maps_tilechange RETURNING cell, weight, last_xid)
INSERT INTO maps_tilechange (cell, weight, last_xid)
SELECT cell, sum(weight), max(last_xid) FROM gone GROUP BY cell
"""
