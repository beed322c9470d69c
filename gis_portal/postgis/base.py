"""GeoDjango's PostGIS backend, with the health check of a kept connection made without a
round trip.

Django asks `SELECT 1` before the first query of every request that reuses a connection
(CONN_HEALTH_CHECKS): a round trip, and on a trivial API request about a tenth of its CPU.
An idle connection has nothing to read from the server; one the server closed or is closing
(a restart, a terminated backend) has its goodbye or an end of file waiting on the socket.
So the socket is polled first, and only a connection with something to read is asked; so
is one inside a transaction (it may have failed: then it is not usable, as Django expects).
"""

import select

from django.contrib.gis.db.backends.postgis import base
from psycopg.pq import TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if not readable:
            return True
        return super().is_usable()
