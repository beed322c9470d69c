"""Routing existing reports again with the current rules, to see what an edit would change.

routing_rules must not import reports, so the reports come from a callable named by the
ROUTING_REPORT_SOURCE setting, yielding (report_id, RouteRequest, current_agency_code | None).
"""

import dataclasses
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from routing_rules.models import Agency
from routing_rules.selectors import RouteDecision, RouteRequest, report_route, rule_list_effective

ReportSource = Callable[[], Iterable[tuple[int, RouteRequest, str | None]]]


@dataclass(frozen=True)
class Reroute:
    report_id: int
    current_agency_code: str | None
    decision: RouteDecision | None
    error: str = ""

    @property
    def proposed_agency_code(self) -> str | None:
        return self.decision.agency.code if self.decision else None

    @property
    def changed(self) -> bool:
        return self.decision is not None and self.proposed_agency_code != self.current_agency_code


def report_source_get(dotted_path: str | None = None) -> ReportSource:
    """The callable yielding reports to re-route (ROUTING_REPORT_SOURCE unless given)."""
    path = dotted_path or settings.ROUTING_REPORT_SOURCE
    if not path:
        raise ImproperlyConfigured(
            "ROUTING_REPORT_SOURCE is not set: it must name a callable yielding "
            "(report_id, RouteRequest, current_agency_code), e.g. "
            "'reports.selectors.report_routing_inputs'."
        )
    try:
        return import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"ROUTING_REPORT_SOURCE {path!r} cannot be imported: {exc}"
        ) from exc


def reports_reroute(
    *,
    source: ReportSource,
    at: datetime | None = None,
    activate: Collection[str] = (),
    deactivate: Collection[str] = (),
) -> Iterator[Reroute]:
    """Route every report the source yields with the rules in force at `at` (default now)."""
    at = at or timezone.now()
    rules = rule_list_effective(at=at, activate=activate, deactivate=deactivate)
    for report_id, request, current in source():
        try:
            decision = report_route(request=dataclasses.replace(request, at=at), rules=rules)
        except Agency.DoesNotExist as exc:
            yield Reroute(report_id, current, None, str(exc))
            continue
        yield Reroute(report_id, current, decision)
