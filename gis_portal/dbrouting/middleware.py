"""Which reads of a request may go to the replica, and read-your-writes after a write
(README, "Read replicas"). Not loaded without a replica configured."""

from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

from gis_portal.dbrouting.context import current_routing, read_routing
from gis_portal.dbrouting.endpoints import endpoint_reads_replica
from gis_portal.dbrouting.pins import pin_set, pinned
from gis_portal.dbrouting.replica import replica_configured, replica_mark_down, replica_usable
from reports.policy import user_is_staff

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def replica_allowed(request: HttpRequest) -> bool:
    """Staff read the primary on every endpoint: what they read is their work (the map after
    publishing, an export to act on), and they are too few to matter to its load. A client
    that has just written reads the primary too, and so does everyone while the replica is
    down or lagging."""
    if user_is_staff(getattr(request, "user", None)):
        return False
    if pinned(request):
        return False
    return replica_usable()


class ReplicaReadMiddleware:
    def __init__(self, get_response):
        if not replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with read_routing(request, decide=replica_allowed) as routing:
            response = self.get_response(request)
            if routing.replica_failed and response.status_code >= 500:
                # The replica broke during the request (its connection was checked at the
                # first read). Only safe methods read there, so serving it again is harmless.
                replica_mark_down("a query failed during a request")
                routing.restart_on_primary()
                response = self.get_response(request)
        if request.method not in SAFE_METHODS and response.status_code < 400:
            pin_set(request, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        routing = current_routing()
        if (
            routing is not None
            and request.method in SAFE_METHODS
            and endpoint_reads_replica(request.resolver_match)
        ):
            routing.eligible = True
        return None
