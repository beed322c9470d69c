"""The adapter to the routing engine: used when present, commune UBND when not."""

import sys

import pytest

from reports import routing
from reports.selectors import report_routing_inputs
from reports.services import workflow

pytestmark = pytest.mark.django_db


def test_suggestion_is_the_commune_ubnd_without_rules(report, ubnd_dbp):
    suggestion = routing.suggest_agency(report)
    assert suggestion.agency == ubnd_dbp
    assert suggestion.explanation


def test_falls_back_when_routing_is_not_installed(report, ubnd_dbp, monkeypatch):
    monkeypatch.setitem(sys.modules, "routing_rules.selectors", None)
    suggestion = routing.suggest_agency(report)
    assert suggestion.agency == ubnd_dbp
    assert "Mặc định" in suggestion.explanation[0]
    assert routing.route_request_build(report) is None


def test_falls_back_when_routing_fails(report, ubnd_dbp, monkeypatch):
    import routing_rules.selectors as engine

    def broken(**kwargs):
        raise RuntimeError("rule table corrupt")

    monkeypatch.setattr(engine, "report_route", broken)
    assert routing.suggest_agency(report).agency == ubnd_dbp


def test_no_agency_known_leaves_choice_to_ioc(submit, monkeypatch):
    monkeypatch.setitem(sys.modules, "routing_rules.selectors", None)
    suggestion = routing.suggest_agency(submit())
    assert suggestion.agency is None and "IOC" in suggestion.explanation[0]


def test_routing_inputs_cover_open_reports_only(submit, ioc, ubnd_dbp):
    open_report = submit()
    assigned = submit()
    workflow.report_assign(actor=ioc, report=assigned, agency=ubnd_dbp)
    closed = submit()
    workflow.report_reject(actor=ioc, report=closed, reason="x", resubmit_hint="y")
    rows = {report_id: (request, agency) for report_id, request, agency in report_routing_inputs()}
    assert set(rows) == {open_report.pk, assigned.pk}
    request, agency = rows[assigned.pk]
    assert agency == ubnd_dbp.code
    assert (request.commune_code, request.district_code) == ("03127", "094")
    assert request.category_code == assigned.category.code
    assert rows[open_report.pk][1] is None


def test_openapi_schema_lists_report_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/reports/",
        "/api/v1/reports/{reference}/",
        "/api/v1/reports/{reference}/assign/",
        "/api/v1/reports/inbox/",
        "/api/v1/notifications/",
    ):
        assert path in paths
    assert paths["/api/v1/reports/{reference}/assign/"]["post"]["operationId"] == "report_assign"
