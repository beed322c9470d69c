"""Adapter to the routing engine (routing_rules.selectors), imported lazily.

Until routing is available the commune's UBND is suggested: regulation QĐ 663 makes the
commune the default handler of what happens on its territory.
"""

import logging
from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext

from routing_rules.models import Agency

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Suggestion:
    agency: Agency | None
    coordinators: list[Agency] = field(default_factory=list)
    explanation: list[str] = field(default_factory=list)


def commune_ubnd(*, commune_code: str) -> Agency | None:
    return (
        Agency.objects.filter(
            kind=Agency.Kind.COMMUNE_UBND,
            is_active=True,
            jurisdiction_codes__contains=[commune_code],
        )
        .order_by("code")
        .first()
    )


def route_request_build(report):
    """A routing_rules RouteRequest for a report; None when routing is not installed."""
    try:
        from routing_rules.selectors import RouteRequest
    except ImportError:
        return None
    return RouteRequest(
        category_code=report.category.code,
        lon=report.point.x,
        lat=report.point.y,
        commune_code=report.commune.code,
        district_code=report.district.code if report.district_id else None,
        urgent=report.urgent,
        text=f"{report.title}\n{report.description}",
        at=report.created_at,
    )


def suggest_agency(report) -> Suggestion:
    try:
        from routing_rules.selectors import report_route
    except ImportError:
        report_route = None
    if report_route is not None:
        try:
            decision = report_route(request=route_request_build(report))
        except Exception:  # the routing engine must never block a citizen's report
            logger.exception("Routing failed for report %s; using the commune UBND", report.pk)
        else:
            if decision is not None and decision.agency is not None:
                return Suggestion(
                    agency=decision.agency,
                    coordinators=list(decision.coordinators or []),
                    explanation=list(decision.explanation or []),
                )
    agency = commune_ubnd(commune_code=report.commune.code)
    explanation = (
        [
            gettext("Mặc định: UBND %(commune)s (nơi xảy ra sự việc).")
            % {"commune": report.commune.full_name}
        ]
        if agency
        else [gettext("Chưa xác định được cơ quan xử lý; IOC chọn thủ công.")]
    )
    return Suggestion(agency=agency, coordinators=[], explanation=explanation)


# What the IOC was shown travels back with its choice, signed, so the assign action checks
# the choice against that suggestion (and records it), not one the rules give later.
SUGGESTION_SALT = "reports.assign-suggestion"
SUGGESTION_MAX_AGE = 7 * 24 * 3600


def suggestion_sign(*, report, suggestion: Suggestion) -> str:
    payload = {
        "report": report.pk,
        "agency": suggestion.agency.pk if suggestion.agency else None,
        "coordinators": [a.pk for a in suggestion.coordinators],
        "explanation": list(suggestion.explanation),
    }
    return signing.dumps(payload, salt=SUGGESTION_SALT, compress=True)


def suggestion_verify(*, report, token: str) -> Suggestion:
    """The suggestion a signed token carries; ReportInvalid if forged, stale or for another
    report."""
    from reports.errors import ReportInvalid

    try:
        payload = signing.loads(token, salt=SUGGESTION_SALT, max_age=SUGGESTION_MAX_AGE)
    except signing.BadSignature as exc:
        raise ReportInvalid(
            gettext("Đề xuất cơ quan đã hết hạn hoặc không hợp lệ; hãy tải lại trang."),
            field="suggestion_token",
        ) from exc
    if payload.get("report") != report.pk:
        raise ReportInvalid(gettext("Đề xuất này thuộc phản ánh khác."), field="suggestion_token")
    agencies = Agency.objects.in_bulk([payload["agency"], *payload["coordinators"]])
    return Suggestion(
        agency=agencies.get(payload["agency"]),
        coordinators=[agencies[pk] for pk in payload["coordinators"] if pk in agencies],
        explanation=list(payload["explanation"]),
    )
