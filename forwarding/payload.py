"""The JSON body an agency's system receives for one event.

What goes in is what an officer of that agency may see now (reports.policy.agency_viewer):
the report's public facts for a case it no longer handles, the internal event text and a
pending result for the case it handles. Never the reporter's identity, comments or notes."""

from django.conf import settings
from django.urls import reverse

from forwarding.models import Delivery
from reports import policy
from reports.models import Report, Result, Transition
from routing_rules.models import Agency

Action = Transition.Action
RESULT_ACTIONS = frozenset({Action.SUBMIT_RESULT, Action.PUBLISH})
SCHEMA_VERSION = 1


def event_type(action: str) -> str:
    return f"report.{action}"


def _unit(unit) -> dict | None:
    if unit is None:
        return None
    return {"code": unit.code, "name": unit.full_name or unit.name}


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _report(report: Report) -> dict:
    path = reverse("reports-web:detail", kwargs={"reference": report.reference})
    return {
        "reference": report.reference,
        "url": settings.FORWARDING_PORTAL_URL.rstrip("/") + path,
        "title": report.title,
        "description": report.description,
        "category": {"code": report.category.code, "name": report.category.name},
        "commune": _unit(report.commune),
        "former_district": _unit(report.district),
        "longitude": round(report.point.x, 6),
        "latitude": round(report.point.y, 6),
        "status": report.status,
        "status_label": report.get_status_display(),
        "urgent": report.urgent,
        "submitted_at": _iso(report.created_at),
        "due_at": _iso(report.due_at),
        "closed_at": _iso(report.closed_at),
    }


def _result(*, viewer: policy.Viewer, report: Report, transition: Transition) -> dict | None:
    result_id = (transition.data or {}).get("result")
    if transition.action not in RESULT_ACTIONS or not result_id:
        return None
    result = Result.objects.filter(pk=result_id, report=report).first()
    if result is None or not policy.result_visible(viewer=viewer, result=result):
        return None
    return {"text": result.final_text, "state": result.state, "public": result.is_public}


def delivery_body(
    *, delivery: Delivery, transition: Transition, report: Report, agency: Agency
) -> dict:
    body = {
        "schema": SCHEMA_VERSION,
        "event_id": transition.pk,
        "event_type": delivery.event_type,
        "occurred_at": _iso(transition.created_at),
        "delivery_id": str(delivery.uuid),
        "agency": {"code": agency.code, "name": agency.name, "role": delivery.role},
    }
    viewer = policy.agency_viewer(agency_id=agency.pk, report=report)
    if not policy.report_visible(viewer=viewer, report=report):
        # A case taken from the agency that is no longer public: it hears that, nothing more.
        body["report"] = {"reference": report.reference}
        return body
    seen = policy.timeline_visible(viewer=viewer, report=report).filter(pk=transition.pk)
    body["event"] = (
        {
            "action": transition.action,
            "label": transition.get_action_display(),
            "from_status": transition.from_status,
            "to_status": transition.to_status,
            "reason": transition.reason,
            "actor": transition.actor_label,
        }
        if seen.exists()
        else None
    )
    body["report"] = _report(report)
    body["result"] = _result(viewer=viewer, report=report, transition=transition)
    return body
