"""The QĐ 663 state machine at service level: who may move a report, and what is recorded."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from reports import policy
from reports.errors import ReportForbidden, ReportInvalid, ReportNotFound, ReportStateConflict
from reports.models import AuditLog, Follow, Report, Transition
from reports.policy import reports_visible as report_scope
from reports.selectors import report_list_agency_queue, report_list_ioc_inbox
from reports.services import citizen, moderation, workflow

Status = Report.Status
pytestmark = pytest.mark.django_db


def test_submit_locates_and_records(report):
    assert report.reference.startswith(f"PA-{timezone.localdate():%Y}-")
    assert report.commune.code == "03127"
    assert report.district.code == "094"
    assert report.edition.slug == "2025"
    assert report.status == Status.SUBMITTED
    assert report.verify_due_at is not None
    event = report.transitions.get()
    assert (event.action, event.actor_label) == ("submit", "Người phản ánh")


def test_whole_lifecycle_end_to_end(report, ioc, officer, ubnd_dbp, reporter):
    assignment = workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    assert assignment.suggested_agency == ubnd_dbp
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.due_at is not None
    assert report in report_list_agency_queue(user=officer)

    workflow.report_start(actor=officer, report=report)
    extension = workflow.extension_request(
        actor=officer, report=report, days=3, reason="Chờ vật tư"
    )
    old_due = Report.objects.get(pk=report.pk).due_at
    workflow.extension_decide(actor=ioc, extension=extension, approve=True)
    report.refresh_from_db()
    assert report.due_at > old_due

    workflow.result_submit(actor=officer, report=report, text="Đã thu gom rác.")
    assert report in report_list_ioc_inbox(user=ioc)
    workflow.result_return(actor=ioc, report=report, reason="Cần ảnh sau xử lý")
    workflow.result_submit(actor=officer, report=report, text="Đã thu gom rác, có ảnh.")
    result = workflow.result_publish(
        actor=ioc, report=report, edited_text="Rác đã được thu gom ngày hôm nay."
    )
    assert result.is_public and result.final_text.startswith("Rác đã")
    report.refresh_from_db()
    assert report.status == Status.PUBLISHED and report.closed_at is not None

    citizen.comment_add(actor=reporter, report=report, body="Vẫn còn rác ở đầu ngõ.")
    citizen.report_rate(actor=reporter, report=report, value="unsatisfied")
    workflow.report_reopen(actor=ioc, report=report, reason="Người dân phản hồi còn rác")
    report.refresh_from_db()
    assert report.status == Status.REOPENED and report.current_agency == ubnd_dbp

    actions = list(report.transitions.values_list("action", flat=True))
    assert actions == [
        "submit",
        "assign",
        "start",
        "request_extension",
        "approve_extension",
        "submit_result",
        "return_result",
        "submit_result",
        "publish",
        "reply",
        "rate",
        "reopen",
    ]
    assert all(t.actor_label for t in report.transitions.all())


def test_reject_needs_reason_and_resubmit_hint(report, ioc):
    with pytest.raises(ReportInvalid) as exc:
        workflow.report_reject(actor=ioc, report=report, reason="", resubmit_hint="x")
    assert exc.value.field == "reason"
    with pytest.raises(ReportInvalid) as exc:
        workflow.report_reject(actor=ioc, report=report, reason="Thiếu vị trí", resubmit_hint="")
    assert exc.value.field == "resubmit_hint"
    workflow.report_reject(
        actor=ioc, report=report, reason="Ảnh không rõ", resubmit_hint="Gửi lại kèm ảnh rõ nét"
    )
    report.refresh_from_db()
    assert report.status == Status.REJECTED
    assert "Gửi lại kèm ảnh rõ nét" in report.transitions.last().reason


def test_only_ioc_assigns_and_rejects(report, officer, reporter, ubnd_dbp):
    with pytest.raises(ReportNotFound):
        workflow.report_assign(actor=officer, report=report, agency=ubnd_dbp)
    with pytest.raises(ReportForbidden):
        workflow.report_assign(actor=reporter, report=report, agency=ubnd_dbp)
    with pytest.raises(ReportForbidden):
        workflow.report_reject(actor=reporter, report=report, reason="x", resubmit_hint="y")


def test_assigning_another_agency_than_suggested_needs_reason(report, ioc, other_agency):
    with pytest.raises(ReportInvalid) as exc:
        workflow.report_assign(actor=ioc, report=report, agency=other_agency)
    assert exc.value.field == "override_reason"
    assignment = workflow.report_assign(
        actor=ioc, report=report, agency=other_agency, override_reason="Công trình của Sở"
    )
    assert assignment.override_reason == "Công trình của Sở"
    internal = report.transitions.filter(public=False).get()
    assert "Công trình của Sở" in internal.reason


def test_other_agency_sees_only_what_the_public_sees_and_cannot_act(
    report, ioc, ubnd_dbp, other_officer
):
    assert not report_scope(user=other_officer).filter(pk=report.pk).exists()  # unverified
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    assert report_scope(user=other_officer).filter(pk=report.pk).exists()
    viewer = policy.report_viewer(user=other_officer, report=report)
    assert not policy.viewer_sees_internal(viewer)
    with pytest.raises(ReportForbidden):
        workflow.report_start(actor=other_officer, report=report)
    Report.objects.filter(pk=report.pk).update(hidden=True, hidden_reason="Vi phạm nội quy")
    assert not report_scope(user=other_officer).filter(pk=report.pk).exists()
    with pytest.raises(ReportNotFound):
        workflow.report_start(actor=other_officer, report=report)


def test_invited_coordinator_sees_but_cannot_submit_result(
    report, ioc, officer, ubnd_dbp, other_agency, other_officer
):
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.report_invite_coordinators(actor=officer, report=report, agencies=[other_agency])
    assert report_scope(user=other_officer).filter(pk=report.pk).exists()
    with pytest.raises(ReportForbidden):
        workflow.result_submit(actor=other_officer, report=report, text="x")


def test_wrong_state_transitions_conflict(report, ioc, officer, ubnd_dbp):
    with pytest.raises(ReportStateConflict):
        workflow.result_publish(actor=ioc, report=report)
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    with pytest.raises(ReportStateConflict):
        workflow.report_reopen(actor=ioc, report=report, reason="x")
    with pytest.raises(ReportStateConflict):
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)


def test_extension_rejection_paths(report, ioc, officer, ubnd_dbp):
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    with pytest.raises(ReportInvalid):
        workflow.extension_request(actor=officer, report=report, days=3, reason="")
    with pytest.raises(ReportInvalid):
        workflow.extension_request(actor=officer, report=report, days=0, reason="x")
    ext = workflow.extension_request(actor=officer, report=report, days=2, reason="x")
    with pytest.raises(ReportStateConflict):
        workflow.extension_request(actor=officer, report=report, days=2, reason="y")
    with pytest.raises(ReportForbidden):
        workflow.extension_decide(actor=officer, extension=ext, approve=True)
    workflow.extension_decide(actor=ioc, extension=ext, approve=False, note="Không đủ lý do")
    with pytest.raises(ReportStateConflict):
        workflow.extension_decide(actor=ioc, extension=ext, approve=True)


def test_send_back_returns_to_ioc_inbox(report, ioc, officer, ubnd_dbp):
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.report_send_back(actor=officer, report=report, reason="Không thuộc thẩm quyền")
    report.refresh_from_db()
    assert report.status == Status.RETURNED and report.current_agency is None
    assert report in report_list_ioc_inbox(user=ioc)
    assert report not in report_list_agency_queue(user=officer)


def test_urgent_report_due_same_day_and_first_in_queues(submit, ioc, ubnd_dbp, officer):
    normal = submit()
    urgent = submit(urgent=True, title="Cháy nhà dân")
    assert list(report_list_ioc_inbox(user=ioc))[0] == urgent
    workflow.report_assign(actor=ioc, report=urgent, agency=ubnd_dbp)
    workflow.report_assign(actor=ioc, report=normal, agency=ubnd_dbp)
    urgent.refresh_from_db()
    assert timezone.localtime(urgent.due_at).date() == timezone.localdate()
    assert list(report_list_agency_queue(user=officer))[0] == urgent


def test_assignment_across_tet_2027_gets_deadline_after_the_break(
    report, ioc, ubnd_dbp, monkeypatch
):
    moment = timezone.make_aware(datetime(2027, 2, 3, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    report.refresh_from_db()
    assert timezone.localtime(report.due_at).date() == date(2027, 2, 18)


def test_hiding_needs_reason_keeps_queues_and_deadline(report, ioc, ubnd_dbp, officer, supervisor):
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    report.refresh_from_db()
    due = report.due_at
    with pytest.raises(ReportInvalid):
        moderation.report_hide(actor=ioc, report=report, reason="  ")
    with pytest.raises(ReportForbidden):
        moderation.report_hide(actor=officer, report=report, reason="x")
    moderation.report_hide(actor=ioc, report=report, reason="Ngôn từ xúc phạm")
    report.refresh_from_db()
    assert report.hidden and report.due_at == due and report.status == Status.ASSIGNED
    assert report in report_list_agency_queue(user=officer)
    assert report_scope(user=supervisor).filter(pk=report.pk).exists()
    assert not report_scope(user=None).filter(pk=report.pk).exists()
    assert AuditLog.objects.filter(report=report, action="hide").exists()
    # Hiding is no way out: the case still ends only through a result.
    assert report.is_open


def test_merge_duplicate_follows_target_and_notifies_both(
    submit, ioc, reporter, stranger, ubnd_dbp, officer, django_capture_on_commit_callbacks
):
    first = submit()
    duplicate = submit(user=stranger, full_name="Người thứ hai", phone="0900000000")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.report_merge(actor=ioc, report=duplicate, into=first)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.MERGED and duplicate.duplicate_of == first
    assert Follow.objects.filter(report=first, user=stranger).exists()
    assert stranger.notifications.filter(report=duplicate).exists()
    assert reporter.notifications.filter(report=first, transition__action="merged_in").exists()

    workflow.report_assign(actor=ioc, report=first, agency=ubnd_dbp)
    workflow.result_submit(actor=officer, report=first, text="Đã xử lý")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.result_publish(actor=ioc, report=first)
    assert stranger.notifications.filter(report=first, transition__action="publish").exists()
    with pytest.raises(ReportInvalid):
        moderation.report_merge(actor=ioc, report=first, into=first)


def test_private_result_is_not_public(submit, ioc, officer, ubnd_dbp):
    report = submit(private_result=True)
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.result_submit(actor=officer, report=report, text="Đã xử lý")
    result = workflow.result_publish(actor=ioc, report=report)
    assert result.is_public is False


def test_rating_only_by_reporter_once_after_publish(report, ioc, officer, ubnd_dbp, stranger):
    with pytest.raises(ReportStateConflict):
        citizen.report_rate(actor=report.identity.user, report=report, value="satisfied")
    workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    workflow.result_submit(actor=officer, report=report, text="Đã xử lý")
    workflow.result_publish(actor=ioc, report=report)
    with pytest.raises(ReportForbidden):
        citizen.report_rate(actor=stranger, report=report, value="satisfied")
    with pytest.raises(ReportInvalid):
        citizen.report_rate(actor=report.identity.user, report=report, value="great")
    citizen.report_rate(actor=report.identity.user, report=report, value="satisfied")
    with pytest.raises(ReportStateConflict):
        citizen.report_rate(actor=report.identity.user, report=report, value="satisfied")


def test_internal_notes_only_by_handling_staff(report, ioc, reporter):
    with pytest.raises(ReportForbidden):
        citizen.comment_add(actor=reporter, report=report, body="x", internal=True)
    note = citizen.comment_add(actor=ioc, report=report, body="Kiểm tra lại", internal=True)
    assert note.internal and note.author_label == "Trung tâm IOC tỉnh Điện Biên"
    assert not Transition.objects.filter(action="reply").exists()
