"""Reads from a streaming replica (README, "Read replicas"): `routers` sends them, `middleware`
marks the requests that may, `endpoints` is the one list of those endpoints, `pins` keeps a
client that has just written on the primary, `replica` says whether the replica is usable."""

from django.db import connections
from django.db import router as db_router


def read_connection(model):
    """The connection raw SQL reading `model` uses: the database the ORM would read it from."""
    return connections[db_router.db_for_read(model)]
