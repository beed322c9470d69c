"""The database router (settings.DATABASE_ROUTERS). Without a replica configured it has no
say; with one, writes go to the primary, and reads to the replica only for a request the
middleware marked whose decision allows it (ReadRouting.reads_replica)."""

from django.db import connections

from gis_portal.dbrouting.context import current_routing
from gis_portal.dbrouting.endpoints import model_reads_primary
from gis_portal.dbrouting.replica import DEFAULT, REPLICA, replica_configured

ALIASES = frozenset({DEFAULT, REPLICA})


def _transaction_open() -> bool:
    """The application opened a transaction on the primary: what it reads there must include
    what it wrote. A test case's wrapping block is not the application's (Django's durable
    check tells them apart the same way)."""
    blocks = connections[DEFAULT].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not replica_configured():
            return None
        routing = current_routing()
        if routing is None or model_reads_primary(model) or _transaction_open():
            return DEFAULT
        return REPLICA if routing.reads_replica() else DEFAULT

    def db_for_write(self, model, **hints):
        return DEFAULT if replica_configured() else None

    def allow_relation(self, obj1, obj2, **hints):
        # One database under two names.
        if {obj1._state.db, obj2._state.db} <= ALIASES:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's migrations through replication.
        return False if db == REPLICA else None
