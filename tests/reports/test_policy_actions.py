"""The transition table, role × status × action: what each party may do in each status, as
offered to pages and the API, and as enforced over HTTP (403 wrong party, 409 wrong status)."""

import pytest
from django.urls import reverse

from reports import policy
from reports.models import Extension, Report
from tests.reports.factories import CategoryFactory
from tests.reports.policy_cases import ROLES, WITH_AGENCY

Status = Report.Status
pytestmark = pytest.mark.django_db

ALL = set(Status)
OPEN = {
    Status.SUBMITTED,
    Status.RETURNED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.RESULT_SUBMITTED,
    Status.REOPENED,
}
WORKING = {Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}
PUBLIC = {*WORKING, Status.RESULT_SUBMITTED, Status.PUBLISHED}
IOC = {"ioc", "supervisor"}
SIGNED_IN = set(ROLES) - {"anonymous"}

# Written from QĐ 663 and the workflow, independently of reports.policy.TRANSITIONS.
EXPECTED: dict[str, tuple[set, set]] = {
    "reject": ({Status.SUBMITTED, Status.RETURNED}, IOC),
    "assign": ({Status.SUBMITTED, Status.RETURNED, Status.REOPENED}, IOC),
    "category": ({Status.SUBMITTED, Status.RETURNED, *WORKING}, IOC),
    "start": ({Status.ASSIGNED, Status.REOPENED}, {"handler"}),
    "extension": (WORKING, {"handler"}),
    "extension-decide": (OPEN, IOC),
    "invite": (WORKING, {*IOC, "handler"}),
    "send-back": (WORKING, {"handler"}),
    "result": (WORKING, {"handler"}),
    "publish": ({Status.RESULT_SUBMITTED}, IOC),
    "return-result": ({Status.RESULT_SUBMITTED}, IOC),
    "reopen": ({Status.PUBLISHED}, IOC),
    "hide": (ALL, IOC),
    "unhide": (set(), IOC),  # only once hidden
    "hide-approve": (set(), {"supervisor"}),  # only once hidden, until signed off
    "merge": (OPEN, IOC),
    "rate": ({Status.PUBLISHED}, {"reporter"}),
    "dispute": ({Status.PUBLISHED}, {"reporter"}),
    "consent": (WITH_AGENCY, {"reporter"}),
    "consent-revoke": (ALL, {"reporter"}),
    "comment": (ALL, {*IOC, "reporter", "handler", "coordinator"}),
    "note": (ALL, {*IOC, "handler", "coordinator"}),
    "identity": (ALL, {*IOC, "handler"}),
    "follow": (PUBLIC & OPEN, SIGNED_IN),
    # Only the handling agency's unit head, whom the cast lacks (test_officer_assignment.py).
    "assign-officer": (WORKING, set()),
}


def expected_actions(role: str, status: str, *, hidden: bool = False) -> set[str]:
    allowed = set()
    for action, (statuses, roles) in EXPECTED.items():
        if hidden and action in ("unhide", "hide-approve"):
            statuses = ALL
        if hidden and action in ("hide", "follow"):
            continue
        # Without an agency on the case its officers are officers like any other.
        agency_role = role in ("handler", "coordinator")
        if agency_role and status not in WITH_AGENCY and action != "follow":
            continue
        if status in statuses and role in roles:
            allowed.add(action)
    return allowed


def test_the_table_names_every_action_and_nothing_else():
    assert set(policy.TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize("status", list(Status))
def test_actions_available_per_role_and_status(cast, make_report, status):
    report = make_report(status)
    for role in ROLES:
        got = policy.report_actions_available(user=cast[role], report=report)
        assert got == expected_actions(role, status), (role, status)


def test_actions_available_on_a_hidden_report(cast, make_report):
    report = make_report(Status.IN_PROGRESS, hidden=True)
    for role in ROLES:
        got = policy.report_actions_available(user=cast[role], report=report)
        assert got == expected_actions(role, Status.IN_PROGRESS, hidden=True), role


def _payload(action: str, report: Report, ctx: dict) -> dict:
    return {
        "reject": {"reason": "Không rõ vị trí", "resubmit_hint": "Chấm lại vị trí"},
        "assign": {"agency": ctx["ubnd"].code, "override_reason": "Thử"},
        "category": {"category": ctx["category"].code, "reason": "Sai lĩnh vực", "reroute": False},
        "start": {},
        "extension": {"days": 2, "reason": "Chờ vật tư"},
        "extension-decide": {"extension": ctx.get("extension", 0), "approve": True},
        "invite": {"agencies": [ctx["outsider_agency"].code]},
        "send-back": {"reason": "Không thuộc thẩm quyền"},
        "result": {"text": "Đã xử lý xong"},
        "publish": {},
        "return-result": {"reason": "Chưa đủ"},
        "reopen": {"reason": "Người dân phản hồi"},
        "hide": {"reason": "Vi phạm quy định"},
        "unhide": {"reason": "Đã sửa"},
        "hide-approve": {},
        "merge": {"into": ctx["target"].reference},
        "rate": {"value": "satisfied"},
        "dispute": {"reason": "Chưa xử lý xong"},
        "consent": {},
        "consent-revoke": {},
    }[action]


API_ACTIONS = [
    a for a in EXPECTED if a not in ("comment", "note", "identity", "follow", "assign-officer")
]


@pytest.mark.parametrize("action", API_ACTIONS)
def test_api_enforces_the_table(api_client, cast, make_report, ubnd_dbp, action):
    """The allowed party is never refused (403/404/409); any other party is refused with
    403, or 404 when the report is outside what it may see; a wrong status answers 409."""
    statuses, roles = EXPECTED[action]
    status = sorted(statuses or ALL)[0]
    ctx = {
        "ubnd": ubnd_dbp,
        "category": CategoryFactory(code="giao-thong", name="Giao thông"),
        "outsider_agency": cast["outsider"].agency,
    }
    for role in ROLES:
        report = make_report(status, hidden=action in ("unhide", "hide-approve"))
        ctx["target"] = make_report(Status.ASSIGNED)
        if action == "extension-decide":
            ctx["extension"] = Extension.objects.create(
                report=report, agency=ubnd_dbp, requested_by=cast["handler"], reason="x", days=2
            ).pk
        user = cast[role]
        api_client.force_authenticate(user)
        response = api_client.post(
            reverse(f"report-{action}", args=[report.reference]),
            _payload(action, report, ctx),
            format="json",
        )
        if role in roles:
            assert response.status_code == 200, (role, response.data)
        elif user is None:
            assert response.status_code in (401, 403), role
        else:
            sees = policy.reports_visible(user=user).filter(pk=report.pk).exists()
            assert response.status_code == (403 if sees else 404), (role, response.data)
    wrong = sorted(ALL - statuses - {Status.MERGED})
    if wrong and action != "unhide":
        report = make_report(wrong[0])
        api_client.force_authenticate(cast["ioc" if "ioc" in roles else sorted(roles)[0]])
        response = api_client.post(
            reverse(f"report-{action}", args=[report.reference]),
            _payload(action, report, ctx),
            format="json",
        )
        assert response.status_code in (403, 409), (action, wrong[0], response.data)
        if response.status_code == 403:
            # A party only exists in some statuses (a handler needs an agency on the case).
            assert wrong[0] not in WITH_AGENCY
