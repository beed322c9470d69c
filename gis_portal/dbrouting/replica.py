"""Whether the replica can serve a read now: reachable, and not lagging past the bound.

The state is per process (each gunicorn worker finds out for itself): after a failure the
replica is left alone for DB_REPLICA_RETRY_SECONDS; its lag is measured at most every
DB_REPLICA_LAG_CHECK_SECONDS.
"""

import logging
import math
import threading
import time
from contextlib import suppress

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from gis_portal.dbrouting import sql
from gis_portal.dbrouting.context import current_routing

DEFAULT = "default"
REPLICA = "replica"

log = logging.getLogger(__name__)


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.down_until = 0.0
        self.lag: float | None = None
        self.lag_at = -math.inf
        self.lagging = False


_state = _State()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def replica_state_reset() -> None:
    """Forget failures and the last lag measured (tests)."""
    _state.reset()


def replica_mark_down(reason: object) -> None:
    now = time.monotonic()
    with _state.lock:
        was_up = now >= _state.down_until
        _state.down_until = now + settings.DB_REPLICA_RETRY_SECONDS
    if was_up:
        log.warning(
            "Read replica unavailable, reading from the primary for %s s: %s",
            settings.DB_REPLICA_RETRY_SECONDS,
            reason,
        )
    with suppress(DatabaseError):
        connections[REPLICA].close()


def failure_record(execute, sql_text, params, many, context):
    """An execute wrapper on the replica's connection: a query that breaks there marks the
    request, so the middleware can serve it again from the primary."""
    try:
        return execute(sql_text, params, many, context)
    except (OperationalError, InterfaceError):
        routing = current_routing()
        if routing is not None:
            routing.replica_failed = True
        raise


def replica_usable() -> bool:
    now = time.monotonic()
    if now < _state.down_until:
        return False
    connection = connections[REPLICA]
    if failure_record not in connection.execute_wrappers:
        connection.execute_wrappers.append(failure_record)
    try:
        # A kept connection that died (replica restarted) is replaced here, not in the query.
        connection.close_if_health_check_failed()
        connection.ensure_connection()
        lagging = _lagging(connection, now)
    except (OperationalError, InterfaceError) as exc:
        replica_mark_down(exc)
        # The check's own failure is not the request's: its reads go to the primary anyway.
        routing = current_routing()
        if routing is not None:
            routing.replica_failed = False
        return False
    return not lagging


def _lagging(connection, now: float) -> bool:
    bound = settings.DB_REPLICA_MAX_LAG_SECONDS
    if not bound:
        return False
    with _state.lock:
        if now - _state.lag_at < settings.DB_REPLICA_LAG_CHECK_SECONDS:
            return _state.lagging
    with connection.cursor() as cursor:
        cursor.execute(sql.REPLICA_LAG)
        value = cursor.fetchone()[0]
    lag = None if value is None else float(value)
    lagging = lag is None or lag > bound
    with _state.lock:
        changed = lagging != _state.lagging
        _state.lag, _state.lag_at, _state.lagging = lag, now, lagging
    if changed and lagging:
        log.warning("Read replica %s s behind (bound %s s): reading from the primary", lag, bound)
    elif changed:
        log.warning("Read replica caught up (%s s behind): reading from it again", lag)
    return lagging
