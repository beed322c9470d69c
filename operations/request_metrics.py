"""How long Django takes to answer, per view: one histogram labelled by the resolved URL name
(maps-public-tiles, locate, …), the method and the status class, so the label sets stay few
(a few hundred URL names at most, not one per tile or per report). Under gunicorn every worker
writes into the multiprocess folder (operations/prometheus_files.py) and /metrics sums them.

The time runs from the first middleware to the response the view returned: a streamed body
(exports, media Django sends itself) is sent after that, and nginx's $request_time in its
access log covers it."""

import time

from django.http import HttpRequest, HttpResponse
from prometheus_client import Histogram

# From a cached tile (a few ms) to a whole export (seconds); gunicorn ends a request at 60 s.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "portal_http_request_duration_seconds",
    "Time Django took to answer a request, by URL name, method and status class.",
    ["view", "method", "status"],
    buckets=BUCKETS,
)


def view_label(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return "unmatched"  # no URL pattern: scanners' guesses all count as one
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    """Second in MIDDLEWARE (after the request id): the time of every other middleware counts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(
            view_label(request), method, f"{response.status_code // 100}xx"
        ).observe(time.perf_counter() - started)
        return response
