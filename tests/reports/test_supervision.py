"""A hide by the IOC takes effect at once and waits for a supervisor's sign-off; the supervisor
sees every hidden report (who hid, why, since when, deadline), the overdue and the disputed."""

import pytest
from django.urls import reverse

from reports.errors import ReportForbidden, ReportStateConflict
from reports.models import Report
from reports.services import moderation
from tests.reports.conftest import Status

pytestmark = pytest.mark.django_db
PAGE = "/giam-sat/"


def test_an_ioc_hide_waits_for_the_supervisor_who_signs_it_off(client, ioc, supervisor, report):
    moderation.report_hide(actor=ioc, report=report, reason="Ảnh có biển số xe")
    report.refresh_from_db()
    assert report.hidden and report.hide_reviewed_at is None
    client.force_login(supervisor)
    page = client.get(PAGE)
    assert [r.reference for r in page.context["waiting"]] == [report.reference]
    waiting = page.context["waiting"][0]
    assert waiting.hidden_by == ioc.username and waiting.hidden_at is not None
    assert "Ảnh có biển số xe" in page.content.decode()

    response = client.post(reverse("reports-web:action", args=[report.reference, "hide-approve"]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.hide_reviewed_by == supervisor
    page = client.get(PAGE)
    assert page.context["waiting"] == [] and len(page.context["signed"]) == 1


def test_the_supervisor_refuses_a_hide_by_unhiding_with_a_reason(ioc, supervisor, report):
    moderation.report_hide(actor=ioc, report=report, reason="Trùng lặp")
    moderation.report_unhide(actor=supervisor, report=report, reason="Không có lý do ẩn")
    report.refresh_from_db()
    assert not report.hidden and report.hide_reviewed_at is None
    with pytest.raises(ReportStateConflict):
        moderation.report_hide_approve(actor=supervisor, report=report)


def test_a_supervisor_s_own_hide_needs_no_second_signature(supervisor, report):
    moderation.report_hide(actor=supervisor, report=report, reason="Thông tin cá nhân")
    report.refresh_from_db()
    assert report.hide_reviewed_by == supervisor


def test_only_a_supervisor_signs_off_or_opens_the_page(client, ioc, officer, report):
    moderation.report_hide(actor=ioc, report=report, reason="Lý do")
    with pytest.raises(ReportForbidden):
        moderation.report_hide_approve(actor=ioc, report=report)
    for user in (ioc, officer):
        client.force_login(user)
        assert client.get(PAGE).status_code == 404


def test_the_page_lists_overdue_and_disputed_cases(client, supervisor, make_report):
    late = make_report(Status.ASSIGNED)
    Report.objects.filter(pk=late.pk).update(is_overdue=True)
    client.force_login(supervisor)
    page = client.get(PAGE)
    assert [r.reference for r in page.context["overdue"]] == [late.reference]


def test_the_page_takes_a_bounded_number_of_queries(
    client, ioc, supervisor, submit, django_assert_max_num_queries
):
    for _ in range(5):
        moderation.report_hide(actor=ioc, report=submit(), reason="Lý do")
    client.force_login(supervisor)
    client.get(PAGE)
    with django_assert_max_num_queries(10):
        assert client.get(PAGE).status_code == 200
