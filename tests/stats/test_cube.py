# ruff: noqa: F811 - the report workflow fixtures are imported from tests.reports.conftest
"""The summary (stats.cube) answers every figure exactly as the live computation does.

After a realistic sequence of writes through the real services (submissions, assignment,
extension, result, rating, reopening, rejection, merge, hiding), bulk and raw updates,
deletions, renamed agencies and reports on local-day and month boundaries, one fold makes
every figure of every grouping and of the ranking equal to the live computation's, for
several periods, and still later in time without another fold ("overdue now" moves with the
clock). Folding a change equals rebuilding from scratch.
"""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from reports.models import Report
from reports.services import citizen, moderation, workflow
from stats.cube import LOCK_KEY, stats_cube_fold, stats_cube_rebuild
from stats.models import (
    StatsCell,
    StatsCellDays,
    StatsCellDue,
    StatsChange,
    StatsCubeState,
    StatsFact,
)
from stats.selectors import StatsFilters
from stats.summary import stats_summary_compute, stats_summary_read
from tests.reports.conftest import (  # noqa: F401 - fixtures
    category,
    ioc,
    officer,
    reporter,
    submit,
)
from tests.stats import conftest
from tests.stats.conftest import TZ

pytestmark = pytest.mark.django_db

PERIODS = [
    StatsFilters(),
    StatsFilters(date_from=date(2025, 1, 1)),
    StatsFilters(date_from=date(2025, 10, 1)),
    StatsFilters(date_from=date(2025, 9, 1), date_to=date(2025, 9, 30)),
    StatsFilters(date_from=date(2025, 8, 31), date_to=date(2025, 9, 1)),
    StatsFilters(date_from=date(2025, 9, 9), date_to=date(2025, 10, 14)),
    StatsFilters(date_to=date(2025, 9, 15)),
    StatsFilters(date_from=date(2025, 10, 20), date_to=date(2025, 10, 20)),
    StatsFilters(date_from=date(2025, 10, 31), date_to=date(2025, 11, 1)),
    StatsFilters(date_from=date(2026, 1, 1)),
]


@pytest.fixture
def clock(monkeypatch):
    moment = {"now": conftest.NOW}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


def assert_same_figures(now: datetime) -> None:
    for filters in PERIODS:
        live = stats_summary_compute(filters=filters, now=now).payload
        summary = stats_summary_read(filters=filters, now=now).payload
        assert summary["totals"] == live["totals"], filters.key
        for dimension, rows in live["by"].items():
            assert summary["by"][dimension] == rows, (filters.key, dimension)
        assert summary == live, filters.key


def cells() -> dict:
    """Every non-empty cell row, for comparing a folded summary with a rebuilt one."""
    rows = {}
    for model in (StatsCell, StatsCellDays, StatsCellDue):
        values = model.objects.values()
        rows[model.__name__] = sorted(
            tuple(sorted((k, v) for k, v in row.items() if k != "id")) for row in values
        )
    rows["facts"] = sorted(StatsFact.objects.values_list())
    return rows


def writes(stats_fixture, submit, ioc, officer, reporter, clock):
    """Every kind of change the portal makes to what the figures read."""
    agency = stats_fixture.agency_a
    r = stats_fixture.reports
    fresh = submit()
    handled = submit()
    workflow.report_assign(actor=ioc, report=handled, agency=officer.agency)
    agency_officer = officer
    workflow.report_start(actor=agency_officer, report=handled)
    extension = workflow.extension_request(
        actor=agency_officer, report=handled, days=3, reason="Chờ vật tư"
    )
    workflow.extension_decide(actor=ioc, extension=extension, approve=True)
    workflow.result_submit(actor=agency_officer, report=handled, text="Đã thu gom rác.")
    workflow.result_publish(actor=ioc, report=handled)
    citizen.report_rate(actor=reporter, report=handled, value="satisfied")
    rejected = submit()
    workflow.report_reject(
        actor=ioc, report=rejected, reason="Không rõ vị trí", resubmit_hint="Gửi lại kèm ảnh"
    )
    duplicate = submit()
    moderation.report_merge(actor=ioc, report=duplicate, into=fresh)
    moderation.report_hide(actor=ioc, report=r["R4"], reason="Ngôn từ xúc phạm")
    # A later reply counts as a dispute and the reopened case is open again.
    clock["now"] = conftest.NOW + timedelta(minutes=30)
    workflow.report_reopen(actor=ioc, report=handled, reason="Người dân phản hồi còn rác")
    clock["now"] = conftest.NOW
    # Local-day and month boundaries (UTC is 7 hours behind), a deadline today before and
    # one after now.
    Report.objects.filter(pk=r["R8"].pk).update(
        created_at=datetime(2025, 10, 31, 23, 59, 59, 999999, tzinfo=TZ),
        due_at=datetime(2025, 10, 20, 9, 0, tzinfo=TZ),
    )
    Report.objects.filter(pk=r["R7"].pk).update(created_at=datetime(2025, 9, 1, 0, 0, tzinfo=TZ))
    Report.objects.filter(pk=r["R4"].pk).update(due_at=datetime(2025, 10, 20, 11, 0, tzinfo=TZ))
    # Bulk and raw writes, deletions, a renamed agency.
    Report.objects.filter(pk=r["R2"].pk).update(category=r["R3"].category)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE reports_report SET closed_at = closed_at + interval '20 days' WHERE id = %s",
            [r["R1"].pk],
        )
    r["R5"].delete()
    r["R6"].delete()
    agency.name = "UBND phường Điện Biên Phủ (mới)"
    agency.save()


def test_summary_equals_live_after_every_kind_of_write(
    stats_fixture, submit, ioc, officer, reporter, clock, settings
):
    settings.STATS_RANKING_MIN_CASES = 1
    settings.STATS_RANKING_MIN_RATINGS = 1
    stats_cube_rebuild()
    assert_same_figures(conftest.NOW)
    writes(stats_fixture, submit, ioc, officer, reporter, clock)
    assert StatsChange.objects.exists()
    outcome = stats_cube_fold()
    assert outcome.reports > 0 and not outcome.rebuilt
    assert not StatsChange.objects.exists()
    assert_same_figures(conftest.NOW)
    # Time passes with nothing written: deadlines pass, the figures follow without a fold.
    for later in (timedelta(minutes=90), timedelta(days=1), timedelta(days=40)):
        clock["now"] = conftest.NOW + later
        assert_same_figures(clock["now"])


def test_folding_changes_equals_rebuilding(stats_fixture, submit, ioc, officer, reporter, clock):
    stats_cube_rebuild()
    writes(stats_fixture, submit, ioc, officer, reporter, clock)
    stats_cube_fold()
    folded = cells()
    stats_cube_rebuild()
    assert cells() == folded


def test_every_write_path_notes_the_report_and_unrelated_updates_do_not(stats_fixture):
    r8 = stats_fixture.reports["R8"]
    stats_cube_rebuild()
    Report.objects.filter(pk=r8.pk).update(title="Tiêu đề khác", is_overdue=True)
    assert not StatsChange.objects.exists()
    Report.objects.filter(pk=r8.pk).update(status=Report.Status.ASSIGNED)
    r8.transitions.update(created_at=conftest.NOW)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reports_transition WHERE report_id = %s", [r8.pk])
    assert set(StatsChange.objects.values_list("report_id", flat=True)) == {r8.pk}
    assert StatsChange.objects.count() == 3


def test_a_fold_with_nothing_to_do_is_a_few_cheap_statements(
    stats_fixture, django_assert_max_num_queries
):
    stats_cube_rebuild()
    with django_assert_max_num_queries(5):
        assert stats_cube_fold().reports == 0


def test_a_changed_time_zone_rebuilds_the_summary(stats_fixture, settings):
    stats_cube_rebuild()
    assert not stats_cube_fold().rebuilt
    settings.TIME_ZONE = "UTC"
    assert stats_cube_fold().rebuilt


def test_a_fold_in_progress_elsewhere_is_not_waited_for(stats_fixture, settings):
    # Built (as far as this test's transaction sees), without taking the lock here.
    StatsCubeState.objects.create(
        built_at=conftest.NOW,
        time_zone=settings.TIME_ZONE,
        holiday_country=settings.REPORTS_HOLIDAY_COUNTRY,
        rebuild_seconds=0,
    )
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            assert stats_cube_fold().skipped
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert not stats_cube_fold().skipped


def test_beat_folds_often(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["stats-cube"]
    assert entry["task"] == "stats.tasks.stats_cube_fold_task"
    assert entry["schedule"] <= 60


def test_the_refresh_command_can_rebuild_the_summary(stats_fixture, capsys):
    call_command("stats_snapshot_refresh", "--rebuild-summary")
    assert "Summary rebuilt from 8 reports" in capsys.readouterr().out
    assert StatsFact.objects.count() == 8
