"""Inside an agency: its unit head gives a case to one of its officers, sees each officer's
workload, and the agency's queue page and map open on its own work and its own area."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from boundaries.models import AdminUnit
from outbox.services import outbox_relay
from reports import policy
from reports.errors import ReportForbidden, ReportInvalid
from reports.models import Notification, Report, Role, Transition
from reports.selectors_officers import agency_area_bounds, officer_workload_list
from reports.services.officers import report_officer_assign
from routing_rules.models import Agency
from tests.reports.factories import UserFactory

Status = Report.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def head(ubnd_dbp):
    return UserFactory(
        username="truongdonvi", role=Role.AGENCY_OFFICER, agency=ubnd_dbp, unit_head=True
    )


@pytest.fixture
def other_head(other_agency):
    return UserFactory(
        username="truongkhac", role=Role.AGENCY_OFFICER, agency=other_agency, unit_head=True
    )


def test_only_the_handling_agencys_unit_head_may_assign_while_it_works_the_case(
    make_report, head, officer, other_head
):
    working = make_report(Status.IN_PROGRESS)
    assert policy.can_assign_officer(user=head, report=working)
    assert "assign-officer" in policy.report_actions_available(user=head, report=working)
    # A plain officer of the agency, and the head of a coordinating agency, may not.
    for user in (officer, other_head):
        assert not policy.can_assign_officer(user=user, report=working)
        assert "assign-officer" not in policy.report_actions_available(user=user, report=working)
    closed = make_report(Status.PUBLISHED)
    assert not policy.can_assign_officer(user=head, report=closed)
    assert "assign-officer" not in policy.report_actions_available(user=head, report=closed)


def test_assignment_is_on_the_timeline_and_the_officer_is_notified(make_report, head, officer):
    report = make_report(Status.ASSIGNED)
    report_officer_assign(actor=head, report=report, officer=officer)
    report.refresh_from_db()
    assert report.assigned_officer == officer and report.officer_assigned_at is not None
    event = report.transitions.get(action=Transition.Action.ASSIGN_OFFICER)
    assert event.data == {"officer": officer.pk, "previous": None} and not event.public
    # The same officer again records nothing more.
    report_officer_assign(actor=head, report=report, officer=officer)
    assert report.transitions.filter(action=Transition.Action.ASSIGN_OFFICER).count() == 1
    outbox_relay()
    assert Notification.objects.filter(user=officer, transition=event).exists()
    assert not Notification.objects.filter(user=head, transition=event).exists()


def test_refusals_name_the_field(make_report, head, officer, other_officer):
    report = make_report(Status.IN_PROGRESS)
    with pytest.raises(ReportInvalid) as wrong:
        report_officer_assign(actor=head, report=report, officer=other_officer)
    assert wrong.value.field == "officer"
    with pytest.raises(ReportForbidden):
        report_officer_assign(actor=officer, report=report, officer=officer)


def test_api_assigns_and_answers_4xx_naming_the_field(
    api_client, make_report, head, officer, other_officer
):
    report = make_report(Status.IN_PROGRESS)
    url = reverse("report-assign-officer", args=[report.reference])
    api_client.force_authenticate(head)
    for bad in ({"officer": other_officer.pk}, {"officer": "x"}, {}):
        response = api_client.post(url, bad, format="json")
        assert response.status_code == 400 and response.data["field"] == "officer", bad
    response = api_client.post(url, {"officer": officer.pk}, format="json")
    assert response.status_code == 200
    assert response.data["assigned_officer"] == officer.username
    assert "assign-officer" in response.data["actions"]
    api_client.force_authenticate(officer)
    assert api_client.post(url, {"officer": officer.pk}, format="json").status_code == 403
    # The public never learns which officer has the case.
    api_client.force_authenticate(None)
    detail = api_client.get(reverse("report-detail", args=[report.reference]))
    assert detail.data["assigned_officer"] is None


def test_workload_counts_open_and_overdue_cases_per_officer_in_one_query(
    make_report, head, officer
):
    idle = UserFactory(username="ranhroi", role=Role.AGENCY_OFFICER, agency=head.agency)
    UserFactory(username="nghiviec", role=Role.AGENCY_OFFICER, agency=head.agency, is_active=False)
    cases = [make_report(Status.IN_PROGRESS) for _ in range(3)]
    for case in cases:
        report_officer_assign(actor=head, report=case, officer=officer)
    Report.objects.filter(pk=cases[0].pk).update(is_overdue=True)
    done = make_report(Status.PUBLISHED)
    Report.objects.filter(pk=done.pk).update(assigned_officer=officer)
    with CaptureQueriesContext(connection) as queries:
        loads = {load.officer.pk: load for load in officer_workload_list(agency=head.agency)}
    assert len(queries) == 1
    assert set(loads) == {head.pk, officer.pk, idle.pk}
    assert (loads[officer.pk].open_count, loads[officer.pk].overdue_count) == (3, 1)
    assert (loads[idle.pk].open_count, loads[idle.pk].overdue_count) == (0, 0)


def test_area_bounds_are_the_extent_of_the_agencys_communes(ubnd_dbp):
    muong_thanh = Agency.objects.create(
        code="ubnd-hai-phuong",
        name="Hai phường",
        kind=Agency.Kind.OTHER,
        jurisdiction_codes=["03127", "03334"],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e"
            " FROM boundaries_adminunit WHERE level = 'commune' AND code = ANY(%s)"
            " AND edition_id = (SELECT id FROM boundaries_edition WHERE slug = '2025')) x",
            [["03127", "03334"]],
        )
        expected = cursor.fetchone()
    assert agency_area_bounds(agency=muong_thanh) == pytest.approx(expected)
    west, south, east, north = agency_area_bounds(agency=ubnd_dbp)
    dbp = AdminUnit.objects.get(edition__slug="2025", level="commune", code="03127")
    assert (west, south, east, north) == pytest.approx(dbp.geom.extent)
    province_wide = Agency.objects.create(code="so-moi", name="Sở mới", kind="department")
    assert agency_area_bounds(agency=province_wide) is None


def test_queue_page_lists_history_mine_and_for_the_head_the_workload(
    client, make_report, head, officer
):
    mine = make_report(Status.IN_PROGRESS)
    other = make_report(Status.ASSIGNED)
    done = make_report(Status.PUBLISHED)
    report_officer_assign(actor=head, report=mine, officer=officer)
    url = reverse("reports-web:agency-queue")
    client.force_login(officer)
    page = client.get(url).content.decode()
    assert mine.reference in page and other.reference in page and done.reference not in page
    assert "Khối lượng việc" not in page and "assign-officer" not in page
    page = client.get(url, {"cua-toi": "1"}).content.decode()
    assert mine.reference in page and other.reference not in page
    page = client.get(url, {"tab": "da-giai-quyet"}).content.decode()
    assert done.reference in page and mine.reference not in page
    client.force_login(head)
    page = client.get(url).content.decode()
    assert "Khối lượng việc" in page
    assert reverse("reports-web:action", args=[other.reference, "assign-officer"]) in page
    response = client.post(
        reverse("reports-web:action", args=[other.reference, "assign-officer"]),
        {"officer": officer.pk, "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url
    other.refresh_from_db()
    assert other.assigned_officer == officer


def test_case_page_offers_the_assign_form_to_the_unit_head_only(client, make_report, head, officer):
    report = make_report(Status.IN_PROGRESS)
    url = reverse("reports-web:detail", args=[report.reference])
    client.force_login(head)
    page = client.get(url).content.decode()
    assert 'id="officer-assign"' in page and 'for="assign-officer"' in page
    client.force_login(officer)
    assert 'id="officer-assign"' not in client.get(url).content.decode()
    report_officer_assign(actor=head, report=report, officer=officer)
    assert 'id="assigned-officer"' in client.get(url).content.decode()


def test_officer_map_carries_the_agency_bounds(client, officer, ubnd_dbp):
    client.force_login(officer)
    page = client.get(reverse("maps-officer")).content.decode()
    west, south, east, north = agency_area_bounds(agency=ubnd_dbp)
    assert f'data-bounds="{west:.6f},{south:.6f},{east:.6f},{north:.6f}"' in page


def test_queue_page_queries_do_not_grow_with_the_cases(client, make_report, head, officer):
    client.force_login(head)
    url = reverse("reports-web:agency-queue")
    report_officer_assign(actor=head, report=make_report(Status.IN_PROGRESS), officer=officer)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        report_officer_assign(actor=head, report=make_report(Status.ASSIGNED), officer=officer)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count('name="officer"') == 4
    assert len(many) == len(few)
