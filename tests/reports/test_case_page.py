"""The case page: only the actions the policy allows now, grouped, labelled and explained;
ready answers per category; a merge picked among nearby reports; templated status notices."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import Report, ResponseTemplate, Transition
from reports.services.deadlines import reports_deadlines_check
from tests.reports.conftest import DBP, Status

pytestmark = pytest.mark.django_db
Kind = ResponseTemplate.Kind


def _page(client, user, report) -> str:
    client.force_login(user)
    return client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()


def _actions(html: str) -> str:
    return html.split('id="actions-heading"', 1)[1]


def test_every_field_of_every_action_has_a_label(client, ioc, officer, make_report, report):
    for user, case in ((ioc, report), (officer, make_report(Status.IN_PROGRESS))):
        section = _actions(_page(client, user, case))
        ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', section))
        labelled = set(re.findall(r'<label for="([^"]+)"', section))
        fields = re.findall(
            r"<(?:select|textarea|input)(?![^>]*type=\"(?:hidden|radio)\")[^>]*>", section
        )
        assert fields and all('id="' in field for field in fields)
        assert ids <= labelled


def test_the_ioc_sees_intake_actions_grouped_with_ready_answers(client, ioc, report, category):
    ResponseTemplate.objects.create(
        kind=Kind.REJECT, category=category, title="Mẫu riêng", body="Riêng lĩnh vực", sort_order=9
    )
    ResponseTemplate.objects.create(
        kind=Kind.REJECT, title="Mẫu chung", body="Cho mọi lĩnh vực", resubmit_hint="Gửi lại…"
    )
    ResponseTemplate.objects.create(kind=Kind.REJECT, title="Mẫu tắt", body="x", is_active=False)
    section = _actions(_page(client, ioc, report))
    assert "<legend>Tiếp nhận</legend>" in section
    assert "Gửi kết quả" not in section and "Bắt đầu xử lý" not in section
    options = re.findall(r'<option data-body="([^"]*)" data-hint="[^"]*">([^<]+)<', section)
    # The category's own answers first, then the general ones; inactive ones never.
    titles = [title for _, title in options]
    assert titles[0] == "Mẫu riêng" and "Mẫu chung" in titles
    assert "Mẫu tắt" not in section


def test_the_agency_sees_only_its_handling_actions(client, officer, make_report, category):
    ResponseTemplate.objects.create(kind=Kind.RESULT, title="Đã khắc phục", body="Đã sửa…")
    case = make_report(Status.IN_PROGRESS)
    section = _actions(_page(client, officer, case))
    assert "<legend>Cơ quan xử lý</legend>" in section and "Đã khắc phục" in section
    for ioc_only in ("Tiếp nhận", "Từ chối", "Gộp", "Duyệt và công bố"):
        assert ioc_only not in section


def test_a_merge_is_picked_among_nearby_reports_of_the_category(client, ioc, submit, report):
    near = submit(point=(DBP[0] + 0.0003, DBP[1]), title="Cùng chỗ, cùng việc")
    far = submit(point=(103.0365, 21.3661), title="Xa")
    html = _page(client, ioc, report)
    assert f'value="{near.reference}"' in html and f'value="{far.reference}"' not in html
    assert 'id="merge-candidates"' in html  # the map's markers, as JSON data, not script
    response = client.post(
        reverse("reports-web:action", args=[report.reference, "merge"]), {"into": near.reference}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.MERGED and report.duplicate_of == near


def test_status_notice_uses_the_category_template(report, category):
    ResponseTemplate.objects.create(
        kind=Kind.STATUS_NOTICE,
        category=category,
        title="Môi trường",
        body="Đang xử lý ({trang_thai}) tại {co_quan}.{han} {sai}",
    )
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=30))
    reports_deadlines_check()
    notice = Transition.objects.get(report=report, action=Transition.Action.STATUS_NOTICE)
    assert notice.reason == "Đang xử lý (Chờ tiếp nhận) tại Trung tâm IOC. {sai}"


def test_a_report_without_actions_says_so(client, officer, make_report):
    section = _actions(_page(client, officer, make_report(Status.PUBLISHED)))
    assert "bạn không có thao tác nào" in section and "<fieldset" not in section
