"""Bulk loads without per-row index upkeep and foreign-key checks, rebuilt once at the end.

A row-by-row foreign-key check (one trigger query per key per row, and per referencing table
for every deleted row) and the upkeep of a dozen indexes, two of them GiST, cost more than
producing a million rows. The secondary indexes and the unique and foreign keys (those of the
tables and those pointing at them) are dropped, the load runs, and they are re-created from
their catalogued definitions: a unique or foreign key re-created this way is validated over
the whole table, so the load still proves every key. Everything happens in the caller's
transaction, so a failure rolls the definitions back too; the price is that the tables stay
locked (ACCESS EXCLUSIVE) for readers and writers until the commit.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection

# Primary keys stay, and so does any index or unique constraint a foreign key depends on.
# Foreign keys of other tables pointing at these go too: deleting a row checks each of them.
# Step 1 re-creates indexes, 2 unique keys, 3 foreign keys.
DEFINITIONS_SQL = """
WITH t AS (SELECT unnest(%(tables)s::regclass[]) AS rel),
used AS (SELECT conindid FROM pg_constraint WHERE contype = 'f')
SELECT 1, format('DROP INDEX %%s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
FROM pg_index i
WHERE i.indrelid IN (SELECT rel FROM t) AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
  AND i.indexrelid NOT IN (SELECT conindid FROM used)
UNION ALL
SELECT CASE c.contype WHEN 'u' THEN 2 ELSE 3 END,
       format('ALTER TABLE %%s DROP CONSTRAINT %%I', c.conrelid::regclass, c.conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', c.conrelid::regclass, c.conname,
              pg_get_constraintdef(c.oid))
FROM pg_constraint c
WHERE c.conparentid = 0 AND (
    (c.contype = 'f' AND (c.conrelid IN (SELECT rel FROM t) OR c.confrelid IN (SELECT rel FROM t)))
    OR (c.contype = 'u' AND c.conrelid IN (SELECT rel FROM t)
        AND c.conindid NOT IN (SELECT conindid FROM used)))
ORDER BY 1, 3
"""


def deferred_definitions(tables: Sequence[str]) -> list[tuple[int, str, str]]:
    """(step, drop statement, create statement) for what `indexes_and_keys_deferred` rebuilds."""
    with connection.cursor() as cursor:
        cursor.execute(DEFINITIONS_SQL, {"tables": list(tables)})
        return cursor.fetchall()


@contextmanager
def indexes_and_keys_deferred(tables: Sequence[str]) -> Iterator[None]:
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_and_keys_deferred needs a transaction to roll back into.")
    definitions = deferred_definitions(tables)
    with connection.cursor() as cursor:
        # ALTER TABLE refuses a table with key checks still queued from earlier in the
        # transaction: run them now (deferred checks are only ever delayed, never skipped).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")
        for _, drop, _ in reversed(definitions):
            cursor.execute(drop)
        yield
        for _, _, create in definitions:
            cursor.execute(create)
