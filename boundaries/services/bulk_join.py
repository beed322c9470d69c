"""Storing a bulk point → commune join (boundaries.bulk) where SQL can use it.

A re-join after a boundary change (e.g. every report against a new edition) joins the points
in-process, then writes (point id, commune id) into a temporary table with one binary COPY,
and the owning app applies it with one UPDATE … FROM. Boundaries knows nothing of the
owner's tables beyond the relation it is given.
"""

import numpy as np
from django.db import connections
from psycopg import sql as pg_sql

from boundaries.bulk import BulkJoin, Points, points_communes_join
from boundaries.sql import BULK_RESULT_COPY_SQL, BULK_RESULT_TABLE_SQL

# Binary COPY: signature, flags, header extension; per row a field count and (length, value)
# per field, big-endian; a -1 field count ends the data.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + b"\x00" * 8
_COPY_ROW = np.dtype(
    [("n", ">i2"), ("li", ">i4"), ("id", ">i8"), ("lc", ">i4"), ("commune", ">i8")]
)
_COPY_TRAILER = b"\xff\xff"


def points_communes_store(
    *, points: Points, edition_id: int, into: str, using: str = "default"
) -> BulkJoin:
    """Join `points` to the edition's communes and write the covered ones into a new temporary
    table `into` (id bigint primary key, commune_id bigint), dropped at commit."""
    if not connections[using].in_atomic_block:
        raise RuntimeError("points_communes_store needs a transaction: its table lives in it")
    joined = points_communes_join(points=points, edition_id=edition_id, using=using)
    covered = joined.commune_ids > 0
    rows = np.empty(int(covered.sum()), dtype=_COPY_ROW)
    rows["n"], rows["li"], rows["lc"] = 2, 8, 8
    rows["id"], rows["commune"] = joined.ids[covered], joined.commune_ids[covered]
    table = pg_sql.Identifier(into)
    with connections[using].cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own: COPY and composed identifiers
        cursor.execute(pg_sql.SQL(BULK_RESULT_TABLE_SQL).format(table=table))
        with cursor.copy(pg_sql.SQL(BULK_RESULT_COPY_SQL).format(table=table)) as copy:
            copy.write(_COPY_HEADER + rows.tobytes() + _COPY_TRAILER)
        cursor.execute(pg_sql.SQL("ANALYZE {table}").format(table=table))
    return joined
