"""The time budget of analysis requests, enforced by PostgreSQL itself.

Every statement of a heatmap, hotspot, choropleth or HTML-report request runs with
`statement_timeout` = MAPS_ANALYSIS_BUDGET_MS, set LOCAL in a transaction around the request's
work on each connection it reads. PostgreSQL cancels a statement past it (the worker is never
stuck behind a runaway query); the transaction rolls back, the connection stays usable, and the
request answers maps.errors.AnalysisTimeout (503, Retry-After) through the one exception
handler. Work in Python (Gi* itself) is bounded by the grid limits, not by this budget.

Building a Gi* study area or the choropleth's outlines is boundary work done once for every
process (maps.hexgrid, maps.layers), not per request: it runs under MAPS_ANALYSIS_BUILD_MS
instead (`statement_budget`).
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import OperationalError, connection, connections, transaction

from gis_portal.dbrouting import read_connection
from maps.errors import AnalysisTimeout
from maps.sql import budget as sql
from reports.models import Report


def _cancelled(exc: BaseException) -> bool:
    """True for PostgreSQL's 'canceling statement due to statement timeout' (57014)."""
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == "57014"


@contextmanager
def analysis_budget(*, budget_ms: int | None = None) -> Iterator[None]:
    """Run the block under the analysis statement budget on the primary and the connection
    the layers read reports from (the same one for analysts, who always read the primary)."""
    ms = settings.MAPS_ANALYSIS_BUDGET_MS if budget_ms is None else budget_ms
    aliases = dict.fromkeys(["default", read_connection(Report).alias])
    try:
        with ExitStack() as stack:
            restore = []
            for alias in aliases:
                stack.enter_context(transaction.atomic(using=alias))
                with connections[alias].cursor() as cursor:
                    cursor.execute(sql.STATEMENT_TIMEOUT_SET, (f"{int(ms)}ms",))
                    restore.append((alias, cursor.fetchone()[0]))
            yield
            # Inside an outer transaction (a test, or ATOMIC_REQUESTS) the budget would
            # otherwise outlive the block.
            for alias, previous in restore:
                with connections[alias].cursor() as cursor:
                    cursor.execute(sql.STATEMENT_TIMEOUT_RESTORE, (previous,))
    except OperationalError as exc:
        if _cancelled(exc):
            raise AnalysisTimeout(budget_ms=int(ms)) from exc
        raise


@contextmanager
def statement_budget(ms: int) -> Iterator[None]:
    """Another statement_timeout for the block, within the current transaction (outside one,
    the statements run unbounded, as they did before), then the one it replaced. After an
    error the enclosing transaction rolls back, and the setting with it."""
    if not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(sql.STATEMENT_TIMEOUT_SET, (f"{int(ms)}ms",))
        previous = cursor.fetchone()[0]
    yield
    with connection.cursor() as cursor:
        cursor.execute(sql.STATEMENT_TIMEOUT_RESTORE, (previous,))
