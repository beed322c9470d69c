"""`manage.py routing_dry_run`: route existing reports again and print what would change."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from routing_rules.models import Rule
from routing_rules.selectors import RouteRequest
from tests.routing_rules.conftest import route_request

pytestmark = pytest.mark.django_db

SOURCE = "tests.routing_rules.test_dry_run.reports_for_test"


def reports_for_test():
    """Stands in for reports.selectors.report_routing_inputs: (id, request, current agency)."""
    yield 101, route_request("ha-tang-dien", 103.4443, 21.6311), "ubnd-03253"
    yield 102, route_request("ha-tang-chieu-sang", 103.0600, 21.4200), "ubnd-03127"
    yield 103, route_request("thien-tai", 103.0575, 21.7450, urgent=True), None
    # A report whose commune is unknown is sorted by the IOC.
    yield 104, RouteRequest("khac", 103.0, 21.0, None, None), "ioc-dien-bien"


@pytest.fixture
def data(routing_data_module, db):
    return routing_data_module


def _run(*args) -> str:
    out = StringIO()
    call_command("routing_dry_run", *args, stdout=out)
    return out.getvalue()


@override_settings(ROUTING_REPORT_SOURCE=SOURCE)
def test_prints_the_reports_whose_agency_would_change(data):
    output = _run()
    assert "#101: ubnd-03253 → dien-luc-tuan-giao (rule dien-luc)" in output
    assert "#103: (none) → so-xay-dung (rule thien-tai-quoc-lo)" in output
    assert "#102" not in output  # unchanged reports are only listed with -v 2
    assert "4 reports routed: 2 would change, 2 unchanged, 0 errors. Nothing was written." in output


@override_settings(ROUTING_REPORT_SOURCE=SOURCE)
def test_previews_deactivating_a_rule_before_the_edit_is_made(data):
    output = _run("--deactivate", "dien-luc", "--explain", "-v", "2")
    assert "#101: unchanged (ubnd-03253)" in output
    assert "#102: unchanged (ubnd-03127)" in output
    assert "    Áp dụng quy tắc «Sạt lở, thiên tai trên hành lang quốc lộ" in output
    assert Rule.objects.get(code="dien-luc").is_active  # nothing was written


@override_settings(ROUTING_REPORT_SOURCE=SOURCE)
def test_previews_activating_an_inactive_rule(data):
    Rule.objects.filter(code="dien-luc").update(is_active=False)
    assert "#101" not in _run()
    assert "#101: ubnd-03253 → dien-luc-tuan-giao" in _run("--activate", "dien-luc")
    assert not Rule.objects.get(code="dien-luc").is_active


@override_settings(ROUTING_REPORT_SOURCE=SOURCE)
def test_unknown_rule_code_is_refused(data):
    with pytest.raises(CommandError, match="unknown rule code"):
        _run("--activate", "khong-co")


@override_settings(ROUTING_REPORT_SOURCE=None)
def test_without_the_source_setting_the_command_says_what_to_set(data):
    with pytest.raises(CommandError, match="ROUTING_REPORT_SOURCE is not set"):
        _run()


@override_settings(ROUTING_REPORT_SOURCE="reports.selectors.no_such_callable")
def test_a_source_that_cannot_be_imported_is_a_clear_error(data):
    with pytest.raises(CommandError, match="cannot be imported"):
        _run()


def test_source_option_overrides_the_setting(data):
    assert "4 reports routed" in _run("--source", SOURCE)
