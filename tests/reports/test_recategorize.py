"""Changing a report's category re-routes it only with the IOC's explicit confirmation."""

import pytest

from reports.errors import ReportForbidden, ReportInvalid, ReportStateConflict
from reports.models import Transition
from reports.services.recategorize import report_category_change
from reports.services.workflow import report_assign, report_reject, report_start
from routing_rules.models import Rule
from tests.reports.factories import CategoryFactory
from tests.routing_rules.factories import RuleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roads(other_agency):
    """A category the routing rules send to Sở Xây dựng rather than the ward."""
    category = CategoryFactory(code="ha-tang-duong", name="Hạ tầng đường")
    RuleFactory(
        code="duong-so-xay-dung",
        target_kind=Rule.Target.FIXED,
        target_agency=other_agency,
        categories=[category],
    )
    return category


@pytest.fixture
def handled(report, ioc, officer, ubnd_dbp):
    report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    report_start(actor=officer, report=report)
    report.refresh_from_db()
    return report


def test_a_move_to_another_agency_needs_confirmation_and_changes_nothing_before(
    handled, ioc, roads
):
    with pytest.raises(ReportInvalid) as error:
        report_category_change(actor=ioc, report=handled, category=roads, reason="Ổ gà")
    assert error.value.field == "reroute"
    assert "Sở Xây dựng" in str(error.value)
    handled.refresh_from_db()
    assert handled.category.code == "ve-sinh-moi-truong"
    assert not handled.transitions.filter(action=Transition.Action.RECATEGORIZE).exists()


def test_confirmed_reroute_reassigns_with_a_new_deadline(handled, ioc, roads, other_agency):
    old_due = handled.due_at
    change = report_category_change(
        actor=ioc, report=handled, category=roads, reason="Ổ gà trên đường", reroute=True
    )
    handled.refresh_from_db()
    assert change.rerouted
    assert handled.category == roads
    assert handled.current_agency == other_agency
    assert handled.status == "assigned"
    assert handled.due_at >= old_due
    assignment = handled.assignments.get(active=True)
    assert assignment.agency == other_agency
    assert assignment.suggested_agency == other_agency
    actions = list(handled.transitions.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == [Transition.Action.RECATEGORIZE, Transition.Action.ASSIGN]


def test_declined_reroute_keeps_the_agency(handled, ioc, roads, ubnd_dbp):
    change = report_category_change(
        actor=ioc, report=handled, category=roads, reason="Sai lĩnh vực", reroute=False
    )
    handled.refresh_from_db()
    assert not change.rerouted
    assert change.suggestion.agency.code == "so-xay-dung"
    assert handled.category == roads
    assert handled.current_agency == ubnd_dbp
    assert handled.status == "in_progress"


def test_before_assignment_only_the_category_changes(report, ioc, roads):
    change = report_category_change(actor=ioc, report=report, category=roads, reason="Sai")
    report.refresh_from_db()
    assert report.category == roads and report.current_agency is None
    assert not change.rerouted


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"reason": " "}, "reason"), ({"reason": "x", "same": True}, "category")],
)
def test_bad_input_is_refused_with_the_field(report, ioc, roads, kwargs, field):
    category = report.category if kwargs.pop("same", False) else roads
    with pytest.raises(ReportInvalid) as error:
        report_category_change(actor=ioc, report=report, category=category, **kwargs)
    assert error.value.field == field


def test_only_the_ioc_may_change_the_category(handled, officer, roads):
    with pytest.raises(ReportForbidden):
        report_category_change(actor=officer, report=handled, category=roads, reason="x")


def test_a_closed_report_keeps_its_category(report, ioc, roads):
    report_reject(actor=ioc, report=report, reason="Không rõ", resubmit_hint="Thêm ảnh")
    with pytest.raises(ReportStateConflict):
        report_category_change(actor=ioc, report=report, category=roads, reason="x")


def test_the_api_action_answers_400_with_the_field_until_confirmed(api_client, handled, ioc, roads):
    api_client.force_authenticate(ioc)
    url = f"/api/v1/reports/{handled.reference}/category/"
    response = api_client.post(url, {"category": roads.code, "reason": "Ổ gà"}, format="json")
    assert response.status_code == 400
    assert response.json()["field"] == "reroute"
    response = api_client.post(
        url, {"category": roads.code, "reason": "Ổ gà", "reroute": True}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["category"] == roads.code
    assert response.json()["agency"] == "Sở Xây dựng"


def test_the_ioc_changes_the_category_from_the_report_page(client, handled, ioc, roads):
    client.force_login(ioc)
    page = client.get(f"/phan-anh/{handled.reference}/").content.decode()
    assert "Đổi lĩnh vực" in page
    client.post(
        f"/phan-anh/{handled.reference}/thao-tac/category/",
        {"category": roads.code, "reason": "Ổ gà trên đường", "reroute": "true"},
    )
    handled.refresh_from_db()
    assert handled.category == roads
    assert handled.current_agency.code == "so-xay-dung"
