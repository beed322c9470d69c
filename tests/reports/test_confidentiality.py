"""No output seen by anyone but the reporter carries the reporter's name, phone, e-mail,
username or user id: every role × every output (API, pages, notifications, e-mail, admin)."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from reports.models import Role
from reports.services import citizen, workflow
from tests.reports.conftest import DBP, REPORTER_EMAIL, REPORTER_ID, REPORTER_NAME, REPORTER_PHONE
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRETS = [REPORTER_NAME, REPORTER_PHONE, REPORTER_EMAIL, str(REPORTER_ID), "nguoidan"]

ROLES = [
    "anonymous",
    "citizen",
    "follower",
    "handling_officer",
    "coordinating_officer",
    "planner",
    "ioc",
    "supervisor",
]

OUTPUTS = {
    "api_detail": lambda c: reverse("report-detail", args=[c["closed"].reference]),
    "api_detail_open": lambda c: reverse("report-detail", args=[c["open"].reference]),
    "api_timeline": lambda c: reverse("report-timeline", args=[c["closed"].reference]),
    "api_comments": lambda c: reverse("report-comments", args=[c["closed"].reference]),
    "api_public_list": lambda c: reverse("report-list"),
    "api_mine": lambda c: reverse("report-mine"),
    "api_inbox": lambda c: reverse("report-inbox"),
    "api_queue": lambda c: reverse("report-queue"),
    "api_nearby": lambda c: (
        reverse("report-nearby") + f"?category={c['open'].category.code}&lon={DBP[0]}&lat={DBP[1]}"
    ),
    "api_notifications": lambda c: reverse("notification-list"),
    "api_stats": lambda c: reverse("report-stats"),
    "api_schema": lambda c: reverse("schema"),
    "page_home": lambda c: reverse("reports-web:home"),
    "page_detail": lambda c: reverse("reports-web:detail", args=[c["closed"].reference]),
    "page_detail_open": lambda c: reverse("reports-web:detail", args=[c["open"].reference]),
    "page_inbox": lambda c: reverse("reports-web:ioc-inbox"),
    "page_queue": lambda c: reverse("reports-web:agency-queue"),
    "page_mine": lambda c: reverse("reports-web:my-reports"),
    "admin_reports": lambda c: reverse("admin:reports_report_changelist"),
    "admin_report_change": lambda c: reverse("admin:reports_report_change", args=[c["closed"].pk]),
    "admin_transitions": lambda c: reverse("admin:reports_transition_changelist"),
    "admin_comments": lambda c: reverse("admin:reports_comment_changelist"),
    "admin_ratings": lambda c: reverse("admin:reports_rating_changelist"),
    "admin_users": lambda c: reverse("admin:reports_user_changelist"),
    "admin_identities": lambda c: reverse("admin:reports_reporteridentity_changelist"),
    "admin_notifications": lambda c: reverse("admin:reports_notification_changelist"),
    "admin_follows": lambda c: reverse("admin:reports_follow_changelist"),
    "admin_audit": lambda c: reverse("admin:reports_auditlog_changelist"),
}


@pytest.fixture
def case(
    submit,
    reporter,
    ioc,
    supervisor,
    planner,
    officer,
    other_officer,
    ubnd_dbp,
    other_agency,
    django_capture_on_commit_callbacks,
):
    """A report through its whole life (with replies, rating, notes) plus an open one."""
    follower = UserFactory(username="theodoi")
    citizen_user = UserFactory(username="congdan")
    with django_capture_on_commit_callbacks(execute=True):
        closed = submit()
        workflow.report_assign(actor=ioc, report=closed, agency=ubnd_dbp)
        workflow.report_invite_coordinators(actor=officer, report=closed, agencies=[other_agency])
        citizen.comment_add(actor=reporter, report=closed, body="Rác vẫn còn ở đầu ngõ.")
        citizen.comment_add(actor=officer, report=closed, body="Đã cử tổ thu gom.")
        citizen.comment_add(actor=ioc, report=closed, body="Theo dõi sát", internal=True)
        workflow.result_submit(actor=officer, report=closed, text="Đã thu gom.")
        workflow.result_publish(actor=ioc, report=closed)
        citizen.report_rate(actor=reporter, report=closed, value="acceptable", comment="Tạm ổn")
        citizen.comment_add(actor=reporter, report=closed, body="Cảm ơn.")
        open_report = submit(title="Đèn đường hỏng")
        workflow.report_assign(actor=ioc, report=open_report, agency=ubnd_dbp)
        # Only a public report can be followed: once verified and assigned.
        citizen.report_follow(user=follower, report=open_report)
        workflow.report_start(actor=officer, report=open_report)
        workflow.report_invite_coordinators(
            actor=officer, report=open_report, agencies=[other_agency]
        )
    view_perms = Permission.objects.filter(
        content_type__app_label="reports", codename__startswith="view_"
    )
    staff = [ioc, supervisor, planner, officer, other_officer]
    for user in staff:
        user.is_staff = True
        user.save()
        user.user_permissions.set(view_perms)
    users = {
        "anonymous": None,
        "citizen": citizen_user,
        "follower": follower,
        "handling_officer": officer,
        "coordinating_officer": other_officer,
        "planner": planner,
        "ioc": ioc,
        "supervisor": supervisor,
    }
    return {"closed": closed, "open": open_report, "users": users}


def assert_no_secret(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked in {where}"


STAFF = {"handling_officer", "coordinating_officer", "planner", "ioc", "supervisor"}


@pytest.mark.parametrize("role", ROLES)
def test_no_reporter_identity_in_any_output(client, case, role):
    user = case["users"][role]
    if user is not None:
        client.force_login(user)
    statuses = {}
    for output, build_url in sorted(OUTPUTS.items()):
        response = client.get(build_url(case))
        statuses[output] = response.status_code
        assert response.status_code in (200, 302, 403, 404), (output, response.status_code)
        assert_no_secret(response.content.decode(), f"{output} as {role}")
    # The outputs were really rendered, not just refused.
    assert statuses["api_detail"] == statuses["page_detail"] == 200
    if role in STAFF:
        assert statuses["admin_reports"] == statuses["admin_transitions"] == 200
        assert statuses["admin_identities"] == 403
        assert statuses["api_detail_open"] == 200


@pytest.mark.parametrize("role", ROLES[1:])
def test_no_reporter_identity_in_emails_to_others(case, role):
    user = case["users"][role]
    received = [m for m in mail.outbox if user.email in m.to]
    for message in received:
        assert_no_secret(message.subject + message.body, f"e-mail to {role}")
    if role in ("follower", "handling_officer", "ioc"):
        assert received, f"{role} should have been e-mailed about the case"


def test_reporter_does_see_own_outputs_and_superuser_admin_shows_identity(client, case, reporter):
    client.force_login(reporter)
    assert case["closed"].reference in client.get(reverse("report-mine")).content.decode()
    admin = UserFactory(username="root", is_staff=True, is_superuser=True, role=Role.ADMIN)
    client.force_login(admin)
    page = client.get(reverse("admin:reports_reporteridentity_changelist"))
    assert page.status_code == 200
