"""Raw SQL of the summary (stats.cube): adding facts into the cells, and reading a period.

Table and column names come from the models; every value is a parameter.
"""

from datetime import date

from django.db import connection

from reports.models import Report
from stats.models import COUNT_COLUMNS, StatsCell, StatsCellDays, StatsCellDue, StatsFact

FLAG_COLUMNS = COUNT_COLUMNS[1:]
# The groupings read from the cells: (kind, the report's field, the fact's column).
KINDS = {
    "agency": (1, "current_agency", "agency_id"),
    "commune": (2, "commune", "commune_id"),
    "district": (3, "district", "district_id"),
    "category": (4, "category", "category_id"),
}
TOTAL_KIND = 0
MONTH_KIND = 5
FACT_COLUMNS = (
    "report_id",
    "day",
    *(column for _, _, column in KINDS.values()),
    "working_days",
    "overdue_from",
    *FLAG_COLUMNS,
)
KEY = ("grain", "bucket", "kind", "member")
CELL_COLUMNS = (*COUNT_COLUMNS, "overdue_past")

FACT = StatsFact._meta.db_table
CELL = StatsCell._meta.db_table
CELL_DAYS = StatsCellDays._meta.db_table
CELL_DUE = StatsCellDue._meta.db_table


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _upsert(table: str, extra_key: dict[str, str], values: dict[str, str], where: str) -> str:
    """INSERT the sums of `keyed` per key into table, adding them to the row already there.

    extra_key and values: {column of table: expression over keyed}."""
    key = {c: _q(c) for c in KEY} | extra_key
    columns = ", ".join(_q(c) for c in (*key, *values))
    select = ", ".join((*key.values(), *values.values()))
    update = ", ".join(f"{_q(c)} = {table}.{_q(c)} + EXCLUDED.{_q(c)}" for c in values)
    return (
        f"INSERT INTO {table} ({columns}) SELECT {select} FROM keyed {where} "
        f"GROUP BY {', '.join(key.values())} "
        f"ON CONFLICT ({', '.join(_q(c) for c in key)}) DO UPDATE SET {update} RETURNING 1"
    )


def fold_sql(source: str) -> str:
    """One statement: `source` (DML on the facts, RETURNING their columns) and the addition of
    sign × its sums to the cells of each local day and month, for the totals and each grouping.

    A deadline whose local day is already past when folded is counted in the cell's
    overdue_past, later ones per due day: a read (on the fold's day or later) counts both as
    overdue, so wherever a report was added and later removed, the two count alike.

    Parameters: those of source, then fold_params'."""
    members = ", ".join(
        ["(0, 0::bigint)", *(f"({kind}, c.{_q(column)})" for kind, _, column in KINDS.values())]
    )
    counts = {"received": "sum(sign)"} | {c: f"sum(sign * {_q(c)})" for c in FLAG_COLUMNS}
    counts["overdue_past"] = "sum(sign * past_due)"
    tally = {"n": "sum(sign)"}
    cells = _upsert(CELL, {}, counts, "")
    days = _upsert(CELL_DAYS, {"days": "working_days"}, tally, "WHERE working_days IS NOT NULL")
    due = _upsert(CELL_DUE, {"due_day": "due_day"}, tally, "WHERE due_day IS NOT NULL")
    return (
        f"WITH changed AS ({source}), "
        "keyed AS (SELECT g.grain, g.bucket, k.kind, k.member, c.*, dd.past AS past_due, "
        "CASE WHEN dd.past = 0 THEN dd.day END AS due_day, %s::int AS sign "
        "FROM changed c "
        "CROSS JOIN LATERAL (SELECT x.day, COALESCE((x.day < %s)::int, 0) AS past "
        "FROM (SELECT (c.overdue_from AT TIME ZONE %s)::date AS day) AS x) AS dd "
        "CROSS JOIN LATERAL (VALUES ('d', c.day), "
        "('m', date_trunc('month', c.day::timestamp)::date)) AS g(grain, bucket) "
        f"CROSS JOIN LATERAL (VALUES {members}) AS k(kind, member)), "
        f"cells AS ({cells}), days AS ({days}), due AS ({due}) "
        "SELECT count(*) FROM changed"
    )


def fold_params(source_params: list, *, sign: int, time_zone: str, today: date) -> list:
    """sign: +1 for facts written, -1 for facts removed; today: the local day of the fold."""
    return [*source_params, sign, today, time_zone]


def facts_delete_sql() -> str:
    columns = ", ".join(_q(c) for c in FACT_COLUMNS)
    return f"DELETE FROM {FACT} WHERE report_id = ANY(%s) RETURNING {columns}"


def facts_delete_all_sql() -> str:
    return f"DELETE FROM {FACT}"


def facts_insert_sql(select_sql: str) -> str:
    """INSERT the facts `select_sql` computes (its columns named c_<fact column>)."""
    columns = ", ".join(_q(c) for c in FACT_COLUMNS)
    select = ", ".join(f"s.{_q('c_' + c)}" for c in FACT_COLUMNS)
    return (
        f"INSERT INTO {FACT} ({columns}) SELECT {select} FROM ({select_sql}) AS s "
        f"RETURNING {columns}"
    )


def cells_prune_sql() -> list[str]:
    """Cells left with nothing in them (every report they counted moved elsewhere)."""
    return [
        f"DELETE FROM {CELL} WHERE received = 0",
        f"DELETE FROM {CELL_DAYS} WHERE n = 0",
        f"DELETE FROM {CELL_DUE} WHERE n = 0",
    ]


def cells_clear_sql() -> list[str]:
    return [f"DELETE FROM {table}" for table in (CELL, CELL_DAYS, CELL_DUE)]


def changes_take_sql() -> str:
    """Take (remove) up to %s of the oldest change markers; the distinct reports they name."""
    table = _q("stats_statschange")
    return (
        f"WITH taken AS (DELETE FROM {table} WHERE id IN "
        f"(SELECT id FROM {table} ORDER BY id LIMIT %s) RETURNING report_id) "
        "SELECT DISTINCT report_id FROM taken"
    )


def ranges_where(ranges: list[tuple[str, object, object]]) -> tuple[str, list]:
    """Cells of the given (grain, first bucket, bucket after the last) ranges."""
    if not ranges:
        return "FALSE", []
    parts, params = [], []
    for grain, low, high in ranges:
        parts.append("(grain = %s AND bucket >= %s AND bucket < %s)")
        params += [grain, low, high]
    return "(" + " OR ".join(parts) + ")", params


def _labels() -> tuple[str, str, str]:
    """JOINs to the groupings' tables, and the code and name of a row of any kind (the
    columns the live computation groups by, stats.selectors.DIMENSIONS)."""
    from stats.selectors import DIMENSIONS

    joins, codes, names = [], [], []
    for dimension, (kind, field, _) in KINDS.items():
        (code_path, label_path), _ = DIMENSIONS[dimension]
        related = Report._meta.get_field(field).related_model
        alias = f"j{kind}"
        joins.append(
            f"LEFT JOIN {_q(related._meta.db_table)} {alias} "
            f"ON r.kind = {kind} AND {alias}.{_q(related._meta.pk.column)} = r.member"
        )
        codes.append(f"WHEN {kind} THEN {alias}.{_q(code_path.split('__')[1])}")
        names.append(f"WHEN {kind} THEN {alias}.{_q(label_path.split('__')[1])}")
    month = f"WHEN {MONTH_KIND} THEN r.month"
    code = f"CASE r.kind {' '.join(codes)} {month} END"
    name = f"CASE r.kind {' '.join(names)} {month} END"
    return " ".join(joins), code, name


def labelled_sql(source: str, values: tuple[str, ...], extra: tuple[str, ...] = ()) -> str:
    """Rows of `source` (columns kind, member, bucket, *extra, *values) summed per member (the
    totals also per month, as the month rows), then per kind, code, name (and extra) of the
    live computation, in its order."""
    joins, code, name = _labels()
    extras = "".join(f"{_q(c)}, " for c in extra)
    sums = ", ".join(f"sum({_q(c)}) AS {_q(c)}" for c in values)
    plain = ", ".join(_q(c) for c in values)
    passed = ", ".join(f"r.{_q(c)}" for c in (*extra, *values))
    group = ", ".join(["kind", "code", "name", *(_q(c) for c in extra)])
    return (
        f"WITH src AS ({source}), "
        "agg AS (SELECT kind, member, "
        f"CASE WHEN kind = {TOTAL_KIND} THEN to_char(bucket, 'YYYY-MM') END AS month, "
        f"{extras}{sums} FROM src GROUP BY 1, 2, 3{''.join(', ' + _q(c) for c in extra)}), "
        f"lr AS (SELECT kind, member, month, {extras}{plain} FROM agg UNION ALL "
        f"SELECT {MONTH_KIND}, member, month, {extras}{plain} FROM agg "
        f"WHERE kind = {TOTAL_KIND}) "
        f"SELECT kind, code, name, {extras}"
        + ", ".join(f"sum({_q(c)})::bigint" for c in values)
        + f" FROM (SELECT r.kind, {code} AS code, {name} AS name, {passed} "
        f"FROM lr r {joins}) AS x GROUP BY {group} HAVING sum({_q(values[0])}) <> 0 "
        f"ORDER BY {group}"
    )


def counts_sql(where: str) -> str:
    columns = ", ".join(_q(c) for c in CELL_COLUMNS)
    return labelled_sql(
        f"SELECT kind, member, bucket, {columns} FROM {CELL} WHERE {where}", CELL_COLUMNS
    )


def days_sql(where: str) -> str:
    return labelled_sql(
        f"SELECT kind, member, bucket, days, n FROM {CELL_DAYS} WHERE {where}",
        ("n",),
        extra=("days",),
    )


def overdue_sql(where: str) -> str:
    """Overdue now, besides the cells' overdue_past: open reports whose deadline's local day
    (not yet past when folded) is before today, and, one by one from the facts, those whose
    deadline falls today before now.

    Parameters: those of where, today, today's start, now, the period's first day and the day
    after its last."""
    members = ", ".join(
        ["(0, 0::bigint)", *(f"({kind}, f.{_q(column)})" for kind, _, column in KINDS.values())]
    )
    source = (
        f"SELECT kind, member, bucket, n FROM {CELL_DUE} WHERE {where} AND due_day < %s "
        f"UNION ALL SELECT k.kind, k.member, f.day, 1 FROM {FACT} f "
        f"CROSS JOIN LATERAL (VALUES {members}) AS k(kind, member) "
        "WHERE f.overdue_from >= %s AND f.overdue_from < %s AND f.day >= %s AND f.day < %s"
    )
    return labelled_sql(source, ("n",))


def tables_analyze_sql() -> list[str]:
    """ANALYZE of the summary's tables after a rebuild: a fresh table looks empty to the planner.
    The names are the models' own (never input), quoted as identifiers."""
    return [f"ANALYZE {connection.ops.quote_name(t)}" for t in (FACT, CELL, CELL_DAYS, CELL_DUE)]
