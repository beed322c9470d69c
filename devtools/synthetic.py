"""Synthetic reports for demos and benchmarks, written with set-based SQL (1M in about a minute).

Points cluster around settlements: every commune's PointOnSurface (the main village or town)
plus a few secondary villages (ST_GeneratePoints inside the commune), weighted by a population
proxy (wards weigh more than rural communes) and spread with a Gaussian in the metric CRS. Each
point is then located in the commune that really contains it, so the commune/district FKs are
consistent with the geometry. Rows are tagged by their reference prefix (``SYN<tag>-``) so a
run can be repeated (same tag, same seed, same rows) or removed.
"""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from boundaries.models import AdminUnit
from devtools.bulk_load import indexes_and_keys_deferred
from devtools.sql import (
    ANALYZE_BULK_TABLES_SQL,
    ANALYZE_REPORT_SQL,
    ANALYZE_RESULT_SQL,
    BATCH_SQL,
    BULK_TABLES,
    DELETE_SQL,
    DROP_SQL,
    IDENTITY_SQL,
    MAINTENANCE_SQL,
    MERGE_SQL,
    RATING_SQL,
    RESULT_SQL,
    SEED_SQL,
    SETUP_SQL,
    TABLE_ROWS_SQL,
)
from reports.models import Report, Role, User
from routing_rules.models import Category

REFERENCE_PREFIX = "SYN"
TAG_PATTERN = re.compile(r"^[A-Za-z0-9]{1,6}$")
BATCH_SIZE = 50_000
# From this many rows written or removed on, indexes and keys are rebuilt once (bulk_load)
# instead of kept up row by row, unless the table is much larger than the load.
BULK_MIN_COUNT = 50_000
# Grid cells (about 550 m) that lie inside one commune locate most points without a polygon
# test; building the grid takes a second or two, which pays off from this many reports on.
CELL_DEGREES = 0.005
GRID_MIN_COUNT = 100_000
# Wards (phường) are towns: far more residents, and far more reports, per settlement.
WARD_WEIGHT = 8.0
VILLAGE_WEIGHT = 0.35
VILLAGES_PER_COMMUNE = 3
HIDDEN_REASON = "Nội dung vi phạm quy định đăng tải (dữ liệu mô phỏng)."


class SyntheticError(Exception):
    pass


@dataclass(frozen=True)
class SyntheticPlan:
    tag: str
    count: int
    seed: float
    iseed: int
    existing: int
    communes: int
    categories: int


def _prefix(tag: str) -> str:
    return f"{REFERENCE_PREFIX}{tag}-"


def tag_check(tag: str) -> str:
    if not TAG_PATTERN.match(tag or ""):
        raise SyntheticError("Thẻ (--tag) phải gồm 1–6 chữ cái hoặc chữ số, ví dụ: demo1.")
    return tag


def synthetic_count(*, tag: str) -> int:
    return Report.objects.filter(reference__startswith=_prefix(tag_check(tag))).count()


def synthetic_plan(*, tag: str, count: int, seed: int) -> SyntheticPlan:
    tag_check(tag)
    if count < 1 or count > 9_999_999:
        raise SyntheticError("Số phản ánh (--count) phải từ 1 đến 9 999 999.")
    communes = AdminUnit.objects.filter(level="commune").count()
    categories = Category.objects.filter(is_active=True).count()
    if communes == 0:
        raise SyntheticError("Chưa có ranh giới xã/phường: chạy boundaries_import trước.")
    if categories == 0:
        raise SyntheticError("Chưa có lĩnh vực phản ánh: chạy routing_load trước.")
    return SyntheticPlan(
        tag=tag,
        count=count,
        seed=(seed % 1000) / 1000.0,
        iseed=seed,
        existing=synthetic_count(tag=tag),
        communes=communes,
        categories=categories,
    )


def synthetic_delete(*, tag: str) -> int:
    """Remove a tag's reports with the rows that hang off them (results, ratings, identities)."""
    existing = synthetic_count(tag=tag)
    with transaction.atomic(), connection.cursor() as cursor:
        with _maintenance(cursor, rows=existing):
            removed = _delete(cursor, tag)
        _finish(cursor)
    return removed


def _synthetic_user(tag: str) -> User:
    user, _ = User.objects.get_or_create(
        username=f"synthetic-{tag.lower()}",
        defaults={"full_name": "Người dân (dữ liệu mô phỏng)", "role": Role.CITIZEN},
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@contextmanager
def _maintenance(cursor, *, rows: int) -> Iterator[None]:
    """Settings for a load of `rows`, with index and key upkeep deferred when it is large."""
    cursor.execute(MAINTENANCE_SQL)
    cursor.execute(DROP_SQL)
    cursor.execute(TABLE_ROWS_SQL)
    table_rows = max(cursor.fetchone()[0], 0)
    if rows >= BULK_MIN_COUNT and rows * 4 >= table_rows:
        with indexes_and_keys_deferred(BULK_TABLES):
            yield
    else:
        yield


def _finish(cursor) -> None:
    cursor.execute(DROP_SQL)
    # Fresh statistics, or the planner keeps treating the tables as their old size.
    cursor.execute(ANALYZE_BULK_TABLES_SQL)


def _delete(cursor, tag: str) -> int:
    for sql in DELETE_SQL:
        cursor.execute(sql, {"like": _prefix(tag) + "%"})
    removed = cursor.rowcount
    cursor.execute(DROP_SQL)
    return removed


def synthetic_generate(
    *,
    tag: str,
    count: int,
    seed: int = 42,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the tag's reports with `count` new ones; the same tag and seed give the same rows.

    The replacement is one transaction; large ones lock the report tables until they commit
    (see devtools.bulk_load). Returns the number of reports written.
    """
    plan = synthetic_plan(tag=tag, count=count, seed=seed)
    user = _synthetic_user(tag)
    with transaction.atomic(), connection.cursor() as cursor:
        with _maintenance(cursor, rows=plan.count + plan.existing):
            if plan.existing:
                _delete(cursor, tag)
            written = _generate(cursor, plan, user=user, progress=progress)
        _finish(cursor)
    return written


def _generate(cursor, plan: SyntheticPlan, *, user: User, progress) -> int:
    prefix = _prefix(plan.tag)
    srid = settings.BOUNDARIES_METRIC_SRID
    cursor.execute(SEED_SQL, [plan.seed])
    cursor.execute(
        SETUP_SQL,
        {
            "ward": WARD_WEIGHT,
            "village": VILLAGE_WEIGHT,
            "villages": VILLAGES_PER_COMMUNE,
            "iseed": plan.iseed,
            "srid": srid,
            "cell": CELL_DEGREES,
            "grid": plan.count >= GRID_MIN_COUNT,
        },
    )
    number = 1
    written = 0
    while written < plan.count:
        want = min(BATCH_SIZE, plan.count - written)
        # 25 % spare candidates: the Gaussian tails of border villages leave the province.
        spare = int(want * 1.25) + 20
        cursor.execute(
            BATCH_SQL,
            {
                "first": number,
                "last": number + spare - 1,
                "limit": want,
                "written": written,
                "srid": srid,
                "cell": CELL_DEGREES,
                "prefix": prefix,
                "hidden_reason": HIDDEN_REASON,
            },
        )
        if cursor.rowcount < 1:
            raise SyntheticError("Không sinh được điểm nào trong tỉnh: kiểm tra ranh giới.")
        number += spare
        written += cursor.rowcount
        if progress:
            progress(cursor.rowcount)
    # The steps below join the new rows: plan them on fresh statistics.
    cursor.execute(ANALYZE_REPORT_SQL)
    params = {"user": user.pk, "like": prefix + "%"}
    cursor.execute(IDENTITY_SQL, params)
    cursor.execute(MERGE_SQL, params)
    cursor.execute(RESULT_SQL, params)
    cursor.execute(ANALYZE_RESULT_SQL)
    cursor.execute(RATING_SQL, params)
    return written
