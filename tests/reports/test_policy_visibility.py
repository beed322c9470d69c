"""Visibility, role × state × output: who opens which report, by every path, and which parts
of it (the private result and its thread); followers and notifications; the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from reports import policy
from reports.models import AuditLog, Notification, Report, Transition
from reports.services import citizen, moderation, workflow
from tests.reports.policy_cases import ROLES

Status = Report.Status
pytestmark = pytest.mark.django_db

STATES = {
    "unverified": {"status": Status.SUBMITTED},
    "rejected": {"status": Status.REJECTED},
    "merged": {"status": Status.MERGED},
    "hidden": {"status": Status.IN_PROGRESS, "hidden": True},
    "public": {"status": Status.IN_PROGRESS},
    "private_result": {"status": Status.PUBLISHED, "private_result": True},
}
EVERYTHING = set(STATES)
PUBLIC = {"public", "private_result"}
VISIBLE = {
    "anonymous": PUBLIC,
    "citizen": PUBLIC,
    "outsider": PUBLIC,
    "reporter": EVERYTHING,
    "ioc": EVERYTHING,
    "supervisor": EVERYTHING,
    "planner": EVERYTHING,
    # An agency keeps a case it handles or coordinates even while it is hidden.
    "handler": PUBLIC | {"hidden"},
    "coordinator": PUBLIC | {"hidden"},
}


@pytest.fixture
def states(make_report):
    return {name: make_report(**values) for name, values in STATES.items()}


def test_queryset_and_object_forms_agree_with_the_table(cast, states):
    for role in ROLES:
        user = cast[role]
        scope = set(policy.reports_visible(user=user).values_list("pk", flat=True))
        for name, report in states.items():
            viewer = policy.report_viewer(user=user, report=report)
            expected = name in VISIBLE[role]
            assert (report.pk in scope) is expected, (role, name, "queryset")
            assert policy.report_visible(viewer=viewer, report=report) is expected, (role, name)


def _paths(report: Report) -> dict[str, tuple[str, str]]:
    ref = report.reference
    return {
        "api detail": ("get", reverse("report-detail", args=[ref])),
        "api timeline": ("get", reverse("report-timeline", args=[ref])),
        "api comments": ("get", reverse("report-comments", args=[ref])),
        "api comment": ("post", reverse("report-comments", args=[ref])),
        "api follow": ("post", reverse("report-follow", args=[ref])),
        "page": ("get", reverse("reports-web:detail", args=[ref])),
        "open311": ("get", f"/open311/v2/requests/{ref}.json"),
    }


@pytest.mark.parametrize("state", sorted(EVERYTHING - PUBLIC))
def test_another_citizen_gets_404_by_every_path(client, cast, states, state):
    citizen_user = cast["citizen"]
    report = states[state]
    Notification.objects.create(user=citizen_user, report=report, title="Cũ", body="")
    client.force_login(citizen_user)
    for path, (method, url) in _paths(report).items():
        response = getattr(client, method)(url, {"body": "Xin chào"} if method == "post" else {})
        assert response.status_code == 404, (state, path, response.status_code)
    notifications = client.get(reverse("notification-list")).json()["results"]
    assert report.reference not in {n["report"] for n in notifications}
    nearby = client.get(
        reverse("report-nearby"),
        {"category": report.category.code, "lon": report.point.x, "lat": report.point.y},
    ).json()
    assert report.reference not in {r["reference"] for r in nearby}


def test_the_same_paths_open_a_public_report(client, cast, states):
    client.force_login(cast["citizen"])
    report = states["public"]
    for path, (method, url) in _paths(report).items():
        if method == "post":
            continue
        assert client.get(url).status_code == 200, path
    assert client.post(_paths(report)["api follow"][1]).status_code == 204


@pytest.fixture
def private_case(submit, ioc, officer, other_officer, reporter, ubnd_dbp, other_agency):
    """A private-result report with the reporter's dispute and the agency's public reply."""
    report = submit(private_result=True)
    workflow.report_assign(
        actor=ioc, report=report, agency=ubnd_dbp, override_reason="x", coordinators=[other_agency]
    )
    citizen.comment_add(actor=officer, report=report, body="Cán bộ đã tới hiện trường.")
    workflow.result_submit(actor=officer, report=report, text="Kết quả riêng: đã dọn.")
    workflow.result_publish(actor=ioc, report=report)
    citizen.comment_add(actor=reporter, report=report, body="Tôi chưa đồng ý với kết quả.")
    return report


THREAD_READERS = {"reporter", "ioc", "supervisor", "handler"}


@pytest.mark.parametrize("role", ROLES)
def test_private_result_and_its_thread_only_for_its_parties(
    api_client, client, cast, private_case, role
):
    user = cast[role]
    assert private_case.transitions.filter(action=Transition.Action.REPLY).exists()
    api_client.force_authenticate(user)
    if user is not None:
        client.force_login(user)
    detail = api_client.get(reverse("report-detail", args=[private_case.reference])).data
    page = client.get(reverse("reports-web:detail", args=[private_case.reference]))
    texts = ("Tôi chưa đồng ý", "Cán bộ đã tới hiện trường", "Kết quả riêng")
    if role in THREAD_READERS:
        assert detail["result"]["text"] == "Kết quả riêng: đã dọn."
        assert len(detail["comments"]) == 2
        assert "reply" in {e["action"] for e in detail["timeline"]}
        for text in texts:
            assert text in page.content.decode(), (role, text)
    else:
        assert detail["result"] is None
        assert detail["comments"] == []
        assert "reply" not in {e["action"] for e in detail["timeline"]}
        for text in texts:
            assert text not in page.content.decode(), (role, text)
            assert text not in str(detail), (role, text)


def test_followers_stop_hearing_once_a_report_is_hidden(
    submit, ioc, officer, stranger, reporter, ubnd_dbp, django_capture_on_commit_callbacks
):
    report = submit()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
        citizen.report_follow(user=stranger, report=report)
        workflow.report_start(actor=officer, report=report)
    assert stranger.notifications.filter(transition__action="start").exists()
    with django_capture_on_commit_callbacks(execute=True):
        moderation.report_hide(actor=ioc, report=report, reason="Nội dung không phù hợp")
        workflow.result_submit(actor=officer, report=report, text="Xong")
        workflow.result_publish(actor=ioc, report=report)
    assert reporter.notifications.filter(transition__action="publish").exists()
    assert not stranger.notifications.filter(transition__action="publish").exists()
    from reports.selectors import notification_list

    assert not notification_list(user=stranger).filter(report=report).exists()


@pytest.fixture
def staff(cast):
    perms = Permission.objects.filter(
        content_type__app_label="reports", codename__startswith="view_"
    )
    for role in ("ioc", "supervisor", "planner", "handler", "outsider"):
        user = cast[role]
        user.is_staff = True
        user.save()
        user.user_permissions.set(perms)
    return cast


def test_admin_rows_follow_the_policy(client, staff, states, ioc):
    AuditLog.objects.create(
        actor=ioc, action=AuditLog.Action.HIDE, report=states["hidden"], reason="x"
    )
    internal = Transition.objects.create(
        report=states["unverified"],
        action="assign",
        to_status="submitted",
        public=False,
        reason="Ghi chú nội bộ bí mật",
    )
    for role in ("outsider", "handler", "planner", "ioc", "supervisor"):
        client.force_login(staff[role])
        page = client.get(reverse("admin:reports_report_changelist")).content.decode()
        for name, report in states.items():
            shown = name in VISIBLE[role]
            assert (report.reference in page) is shown, (role, name)
        events = client.get(reverse("admin:reports_transition_changelist"), {"q": ""})
        assert events.status_code == 200
        rows = events.context["cl"].queryset
        assert rows.filter(pk=internal.pk).exists() is (role in ("ioc", "supervisor")), role
        audit = client.get(reverse("admin:reports_auditlog_changelist"))
        assert audit.status_code == (200 if role == "supervisor" else 403), role
    entry = AuditLog.objects.get()
    client.force_login(staff["supervisor"])
    change = reverse("admin:reports_auditlog_change", args=[entry.pk])
    assert client.post(change, {"reason": "sửa"}).status_code == 403
    delete = reverse("admin:reports_auditlog_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AuditLog.objects.get().reason == "x"
