"""Server-rendered pages: the submit form, lists per role, detail with timeline and actions."""

import pytest
from django.urls import reverse

from reports.models import Report
from reports.services import workflow
from tests.reports.conftest import DBP
from tests.reports.media_samples import gps_jpeg

pytestmark = pytest.mark.django_db


def test_submit_page_explains_scope_hotlines_and_uses_self_hosted_leaflet(client, reporter):
    client.force_login(reporter)
    html = client.get(reverse("reports-web:submit")).content.decode()
    for text in ("khiếu nại", "tố cáo", "tư vấn pháp luật", "113", "114", "115"):
        assert text in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()
    # Prefilled identity for the reporter themselves.
    assert reporter.phone in html


def test_submit_form_creates_report_once(client, reporter, category):
    client.force_login(reporter)
    data = {
        "category": category.code,
        "title": "Đường sụt lún",
        "description": "Hố sâu giữa đường.",
        "lon": DBP[0],
        "lat": DBP[1],
        "location_source": "exif",
        "full_name": reporter.full_name,
        "phone": reporter.phone,
        "idempotency_key": "form-key-1",
        "media": [gps_jpeg()],
    }
    response = client.post(reverse("reports-web:submit"), data)
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.location_source == "exif" and report.media.count() == 1
    data["media"] = [gps_jpeg()]
    again = client.post(reverse("reports-web:submit"), data)
    assert again.status_code == 302 and Report.objects.count() == 1
    page = client.get(response.url).content.decode()
    assert report.reference in page and "Gửi phản ánh" in page


def test_submit_form_without_pin_or_outside_shows_error(client, reporter, category):
    client.force_login(reporter)
    base = {
        "category": category.code,
        "title": "x",
        "description": "y",
        "full_name": "A",
        "phone": "0912345678",
        "idempotency_key": "k",
    }
    html = client.post(reverse("reports-web:submit"), base).content.decode()
    assert "Hãy chấm vị trí" in html
    html = client.post(
        reverse("reports-web:submit"), {**base, "lon": 105.83, "lat": 21.03}
    ).content.decode()
    assert "ngoài địa bàn" in html
    assert not Report.objects.exists()


def test_role_pages(client, report, ioc, officer, ubnd_dbp, reporter, stranger):
    client.force_login(ioc)
    assert report.reference in client.get(reverse("reports-web:ioc-inbox")).content.decode()
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "Chuyển xử lý" in page and ubnd_dbp.name in page

    response = client.post(
        reverse("reports-web:action", args=[report.reference, "assign"]),
        {"agency": ubnd_dbp.code},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "assigned"

    client.force_login(officer)
    assert report.reference in client.get(reverse("reports-web:agency-queue")).content.decode()
    client.post(reverse("reports-web:action", args=[report.reference, "start"]))
    report.refresh_from_db()
    assert report.status == "in_progress"

    client.force_login(reporter)
    assert report.reference in client.get(reverse("reports-web:my-reports")).content.decode()
    assert client.get(reverse("reports-web:ioc-inbox")).status_code == 404
    client.force_login(stranger)
    page = client.get(reverse("reports-web:detail", args=[report.reference]))
    assert page.status_code == 200  # verified and in progress: public, without the internals
    assert "Chuyển xử lý" not in page.content.decode()
    assert reporter.phone not in page.content.decode()


def test_web_action_errors_are_shown_not_applied(client, report, reporter, ubnd_dbp):
    client.force_login(reporter)
    response = client.post(
        reverse("reports-web:action", args=[report.reference, "assign"]),
        {"agency": ubnd_dbp.code},
        follow=True,
    )
    assert "Chỉ cán bộ IOC" in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_register_and_login_pages(client):
    response = client.post(
        reverse("reports-web:register"),
        {
            "username": "dan9",
            "full_name": "Lường Văn C",
            "phone": "0911111111",
            "password": "Muong-Thanh-2026",
        },
    )
    assert response.status_code == 302
    client.logout()
    ok = client.post(
        reverse("reports-web:login"), {"username": "dan9", "password": "Muong-Thanh-2026"}
    )
    assert ok.status_code == 302


def test_public_home_lists_published_not_hidden(client, submit, ioc, officer, ubnd_dbp):
    shown = submit(title="Đã xử lý công khai")
    hidden = submit(title="Bị ẩn vì vi phạm")
    for report in (shown, hidden):
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
        workflow.result_submit(actor=officer, report=report, text="Xong")
        workflow.result_publish(actor=ioc, report=report)
    from reports.services.moderation import report_hide

    report_hide(actor=ioc, report=hidden, reason="Vi phạm")
    html = client.get(reverse("reports-web:home")).content.decode()
    assert "Đã xử lý công khai" in html and "Bị ẩn vì vi phạm" not in html
    assert client.get(reverse("reports-web:detail", args=[hidden.reference])).status_code == 404


def test_identity_page_for_ioc_is_audited_and_refused_to_agency_without_consent(
    client, report, ioc, officer, reporter, ubnd_dbp
):
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    client.force_login(officer)
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "Xem danh tính" not in page
    refused = client.post(
        reverse("reports-web:identity", args=[report.reference]), {"reason": "x"}, follow=True
    )
    assert reporter.phone not in refused.content.decode()
    assert "Không có quyền" in refused.content.decode()

    client.force_login(reporter)
    client.post(reverse("reports-web:action", args=[report.reference, "consent"]))
    client.force_login(officer)
    shown = client.post(
        reverse("reports-web:identity", args=[report.reference]), {"reason": "Hẹn khảo sát"}
    )
    assert reporter.phone in shown.content.decode()
    assert shown["Cache-Control"] == "no-store"

    client.force_login(ioc)
    missing_reason = client.post(
        reverse("reports-web:identity", args=[report.reference]), {"reason": ""}, follow=True
    )
    assert reporter.phone not in missing_reason.content.decode()
    assert list(report.audit_entries.values_list("reason", flat=True)) == ["Hẹn khảo sát"]


def test_extension_and_invite_from_pages(client, report, ioc, officer, ubnd_dbp, other_agency):
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    client.force_login(officer)
    client.post(
        reverse("reports-web:action", args=[report.reference, "extension"]),
        {"days": 2, "reason": "Chờ thời tiết"},
    )
    client.post(
        reverse("reports-web:action", args=[report.reference, "invite"]),
        {"agencies": [other_agency.code]},
    )
    client.force_login(ioc)
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "Đề nghị gia hạn 2 ngày" in page
    extension = report.extensions.get()
    old_due = Report.objects.get(pk=report.pk).due_at
    client.post(
        reverse("reports-web:action", args=[report.reference, "extension-decide"]),
        {"extension": extension.pk, "approve": "true"},
    )
    extension.refresh_from_db()
    report.refresh_from_db()
    assert extension.state == "approved" and report.due_at > old_due
    assert report.assignments.get(active=True).coordinators.get() == other_agency
