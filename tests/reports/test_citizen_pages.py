"""The citizen's side: notifications with an unread badge, "không đồng ý" with a reason on a
published result, and a rejected report sent again from a pre-filled form."""

import pytest
from django.urls import reverse

from reports.errors import ReportForbidden, ReportInvalid
from reports.models import Notification, Transition
from reports.services import citizen, workflow
from reports.services.notifications import transition_notify
from tests.reports.conftest import Status

pytestmark = pytest.mark.django_db


def test_notifications_page_shows_the_unread_badge_and_marks_read(client, reporter, ioc, report):
    event = workflow.report_reject(
        actor=ioc, report=report, reason="Thiếu ảnh", resubmit_hint="Chụp ảnh hiện trường"
    )
    transition_notify(transition_id=report.transitions.get(action="reject").pk)
    assert event.status == Status.REJECTED
    client.force_login(reporter)
    home = client.get(reverse("reports-web:home")).content.decode()
    assert 'id="unread-badge"' in home
    page = client.get(reverse("reports-web:notifications"))
    notification = Notification.objects.get(user=reporter)
    assert notification.title in page.content.decode()
    response = client.post(
        reverse("reports-web:notification-read", args=[notification.pk]),
        {"next": reverse("reports-web:detail", args=[report.reference])},
    )
    assert response.status_code == 302 and response.url.endswith(report.reference + "/")
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'id="unread-badge"' not in client.get(reverse("reports-web:home")).content.decode()


def test_an_offsite_next_is_not_followed(client, reporter):
    n = Notification.objects.create(user=reporter, title="x")
    client.force_login(reporter)
    response = client.post(
        reverse("reports-web:notification-read", args=[n.pk]), {"next": "//evil.test/"}
    )
    assert response.url == reverse("reports-web:notifications")


def test_the_reporter_disputes_a_published_result_with_a_reason(
    client, reporter, stranger, make_report
):
    report = make_report(Status.PUBLISHED)
    client.force_login(reporter)
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "Không đồng ý" in page
    url = reverse("reports-web:action", args=[report.reference, "dispute"])
    assert client.post(url, {"reason": "Rác vẫn còn"}).status_code == 302
    dispute = Transition.objects.get(report=report, action=Transition.Action.REPLY)
    assert dispute.reason == "Rác vẫn còn" and dispute.data == {"dispute": True}
    with pytest.raises(ReportInvalid):
        citizen.report_dispute(actor=reporter, report=report, reason=" ")
    with pytest.raises(ReportForbidden):
        citizen.report_dispute(actor=stranger, report=report, reason="Không phải của tôi")


def test_a_rejected_report_is_sent_again_from_a_prefilled_form(
    client, reporter, stranger, ioc, report
):
    workflow.report_reject(actor=ioc, report=report, reason="Thiếu ảnh", resubmit_hint="Thêm ảnh")
    client.force_login(reporter)
    page = client.get(reverse("reports-web:detail", args=[report.reference])).content.decode()
    assert "Gửi lại phản ánh này" in page
    form = client.get(reverse("reports-web:submit"), {"gui-lai": report.reference})
    assert form.context["form"].initial["title"] == report.title
    assert report.category.code in form.content.decode()
    client.force_login(stranger)
    other = client.get(reverse("reports-web:submit"), {"gui-lai": report.reference})
    assert "title" not in other.context["form"].initial
