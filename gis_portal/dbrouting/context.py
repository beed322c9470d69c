"""The routing state of the request being served, where the router finds it.

A contextvar: each thread (gunicorn --threads) or task has its own. Outside a request
(commands, Celery tasks, the shell) there is none, and every read goes to the primary.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass
class ReadRouting:
    request: HttpRequest
    # Whether the request's reads may go to the replica now (staff? pinned? replica usable?).
    decide: Callable[[HttpRequest], bool]
    # A listed endpoint read with a safe method (set once the URL is resolved).
    eligible: bool = False
    # Served again from the primary after a query on the replica failed.
    primary_only: bool = False
    replica_failed: bool = False
    # Per user: DRF authenticates a token inside the view, after the URL was resolved.
    _decisions: dict = field(default_factory=dict)
    _deciding: bool = False

    def reads_replica(self) -> bool:
        # While deciding, the reads the decision makes itself (the session's user, the
        # replica's lag) never come back here.
        if not self.eligible or self.primary_only or self._deciding:
            return False
        self._deciding = True
        try:
            key = getattr(getattr(self.request, "user", None), "pk", None)
            if key not in self._decisions:
                self._decisions[key] = self.decide(self.request)
            return self._decisions[key]
        finally:
            self._deciding = False

    def restart_on_primary(self) -> None:
        self.primary_only = True
        self.replica_failed = False


_current: ContextVar[ReadRouting | None] = ContextVar("gis_portal_read_routing", default=None)


def current_routing() -> ReadRouting | None:
    return _current.get()


@contextmanager
def read_routing(
    request: HttpRequest, *, decide: Callable[[HttpRequest], bool]
) -> Iterator[ReadRouting]:
    routing = ReadRouting(request=request, decide=decide)
    token = _current.set(routing)
    try:
        yield routing
    finally:
        _current.reset(token)
