"""Operators' metrics in the Prometheus text format at /metrics (README, "Metrics").

The portal's figures (reports, overdue cases, the outbox) are read from the database when
Prometheus scrapes, once per scrape, by whichever worker answers. Request latency is counted
by each worker (operations/request_metrics.py); under gunicorn the workers' files are summed
(operations/prometheus_files.py), elsewhere (runserver, tests) the process's own registry,
with its process_* figures, is shown. Only the addresses in METRICS_ALLOWED_IPS, or a scraper
sending `Authorization: Bearer <METRICS_TOKEN>`, may read it.
"""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily

from gis_portal.throttles import client_ip
from operations.prometheus_files import multiproc_dir, multiproc_registry
from outbox.selectors import outbox_backlog
from reports.models import Report
from reports.selectors import report_status_counts


class PortalCollector:
    def collect(self):
        reports = report_status_counts()
        by_status = GaugeMetricFamily(
            "portal_reports", "Reports in the portal, by status.", labels=["status"]
        )
        for status in Report.Status.values:
            by_status.add_metric([status], reports["by_status"].get(status, 0))
        yield by_status
        yield GaugeMetricFamily(
            "portal_reports_overdue", "Open reports past their deadline now.", reports["overdue"]
        )
        backlog = outbox_backlog()
        outbox = GaugeMetricFamily(
            "portal_outbox_messages", "Outbox messages, by state.", labels=["state"]
        )
        for state in ("pending", "sent", "dead"):
            outbox.add_metric([state], backlog["by_state"].get(state, 0))
        yield outbox
        yield GaugeMetricFamily(
            "portal_outbox_oldest_pending_seconds",
            "Age of the oldest message still waiting for the relay (0 when none).",
            backlog["oldest_pending_seconds"],
        )


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    return client_ip(request) in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponse(status=404)  # nothing to see here for anyone else
    path = multiproc_dir()
    if path:
        registry = multiproc_registry(path)
    else:
        registry = CollectorRegistry()
        registry.register(REGISTRY)
    registry.register(PortalCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
