"""The periodic sweep: overdue flags and the day-6 status notice to the reporter."""

from datetime import datetime

import pytest
from django.core import mail
from django.utils import timezone

from reports.models import Transition
from reports.selectors import report_list_ioc_inbox, report_stats
from reports.services import moderation, workflow
from reports.services.deadlines import reports_deadlines_check
from reports.tasks import reports_deadlines_check as sweep_task

pytestmark = pytest.mark.django_db


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def assigned_before_tet(report, ioc, ubnd_dbp, monkeypatch):
    """Assigned Wednesday 3 Feb 2027, the day before the Tết 2027 break."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: at(2027, 2, 3, 9, 0))
        workflow.report_assign(actor=ioc, report=report, agency=ubnd_dbp)
    report.refresh_from_db()
    return report


def test_status_notice_after_six_working_days_across_tet(
    assigned_before_tet, reporter, django_capture_on_commit_callbacks
):
    report = assigned_before_tet
    # Thursday 18 Feb is the sixth working day: not yet past it.
    assert reports_deadlines_check(now=at(2027, 2, 18, 20, 0)).notices == []
    with django_capture_on_commit_callbacks(execute=True):
        outcome = reports_deadlines_check(now=at(2027, 2, 19, 8, 0))
    assert outcome.notices == [report.pk] and outcome.overdue == [report.pk]
    report.refresh_from_db()
    assert report.status_notice_sent_at is not None and report.is_overdue
    notice = report.transitions.get(action=Transition.Action.STATUS_NOTICE)
    assert notice.public and "UBND phường Điện Biên Phủ" in notice.reason
    assert reporter.notifications.filter(transition=notice).exists()
    assert any(reporter.email in m.to for m in mail.outbox)
    # Sent once only.
    assert reports_deadlines_check(now=at(2027, 2, 22, 8, 0)).notices == []


def test_overdue_case_reaches_ioc_inbox_and_stats_even_when_hidden(
    assigned_before_tet, ioc, planner
):
    report = assigned_before_tet
    moderation.report_hide(actor=ioc, report=report, reason="Ngôn từ không phù hợp")
    reports_deadlines_check(now=at(2027, 2, 19, 8, 0))
    report.refresh_from_db()
    assert report.is_overdue and report.hidden
    assert report in report_list_ioc_inbox(user=ioc)
    stats = report_stats(user=planner)
    assert stats["overdue"] == 1 and stats["hidden"] == 1 and stats["by_status"]["assigned"] == 1


def test_unverified_report_overdue_after_one_working_day(submit, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: at(2026, 10, 9, 10, 0))  # Friday
        report = submit()
    assert reports_deadlines_check(now=at(2026, 10, 12, 20, 0)).overdue == []
    assert reports_deadlines_check(now=at(2026, 10, 13, 0, 30)).overdue == [report.pk]


def test_sweep_task_runs_eagerly(report, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 1, 2, 9, 0))
    assert sweep_task.delay().get() == {"overdue": 1, "notices": 1}


def test_deadlines_command_dry_run_writes_nothing(assigned_before_tet):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("reports_deadlines", "--at", "2027-02-19T08:00", "--dry-run", stdout=out)
    assert "[dry-run] 1 phản ánh quá hạn, 1 thông báo" in out.getvalue()
    assigned_before_tet.refresh_from_db()
    assert not assigned_before_tet.is_overdue and assigned_before_tet.status_notice_sent_at is None

    call_command("reports_deadlines", "--at", "2027-02-19T08:00", stdout=out)
    assigned_before_tet.refresh_from_db()
    assert assigned_before_tet.is_overdue and assigned_before_tet.status_notice_sent_at
    with pytest.raises(CommandError):
        call_command("reports_deadlines", "--at", "hôm qua")
