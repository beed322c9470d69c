"""Domain errors of routing, answered by gis_portal.api_errors like any other."""

from routing_rules.models import Agency


class RoutingUnavailable(Agency.DoesNotExist):
    """No agency can be named because routing data is missing: the portal's fault, not the input's.

    A DoesNotExist so callers that fall back on a missing agency keep doing so.
    """

    status_code = 503

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
