"""/thong-ke/ is served from precomputed snapshots; other periods are cached and limited.

Standard periods (all time, this year, this month) are read from StatsSnapshot rows that the
`stats_snapshot_refresh` command and Celery beat rebuild; their figures are exactly the live
computation's. Other periods are computed once per STATS_CUSTOM_CACHE_SECONDS, and how often an
anonymous client or a citizen may cause such a computation is limited; staff compute live.
"""

from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from gis_portal.throttles import PortalScopedThrottle
from reports.models import Report, Role
from stats.models import StatsSnapshot
from stats.ranking import agency_ranking
from stats.selectors import StatsFilters, stats_by, stats_totals
from stats.services import stats_snapshot_refresh
from stats.summary import stats_periods, stats_summary_compute
from stats.tasks import stats_snapshot_refresh_task
from tests.reports.factories import UserFactory
from tests.stats import conftest

pytestmark = pytest.mark.django_db

PERIOD_KEYS = {"..", "2025-01-01..", "2025-10-01.."}
SEPTEMBER = {"from": "2025-09-01", "to": "2025-09-30"}


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: conftest.NOW)


@pytest.fixture
def custom_rate(monkeypatch):
    def set_rate(rate):
        monkeypatch.setitem(PortalScopedThrottle.THROTTLE_RATES, "stats-custom", rate)

    return set_rate


def received(html: str) -> str:
    return html.split("Tiếp nhận: <strong>", 1)[1].split("<", 1)[0]


def test_the_standard_periods_are_all_time_this_year_and_this_month():
    assert set(stats_periods(today=date(2025, 10, 20))) == PERIOD_KEYS


def test_on_new_years_day_this_year_and_this_month_are_one_period(
    client, stats_fixture, monkeypatch
):
    new_year = datetime(2026, 1, 1, 9, 0, tzinfo=conftest.TZ)
    monkeypatch.setattr(timezone, "now", lambda: new_year)
    assert set(stats_periods()) == {"..", "2026-01-01.."}
    assert set(stats_snapshot_refresh().written) == {"..", "2026-01-01.."}
    html = client.get("/thong-ke/", {"from": "2026-01-01"}).content.decode()
    assert "<strong>Năm nay</strong> · <strong>Tháng này</strong>" in html


def test_page_is_served_from_the_snapshot_in_one_query(
    client, stats_fixture, django_assert_max_num_queries
):
    stats_snapshot_refresh()
    with django_assert_max_num_queries(1):
        response = client.get("/thong-ke/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "cập nhật lúc 10:00 ngày 20/10/2025" in html
    assert received(html) == "8"
    for period in ({"from": "2025-01-01"}, {"from": "2025-10-01"}):
        with django_assert_max_num_queries(1):
            assert client.get("/thong-ke/", period).status_code == 200


def test_page_shows_new_reports_only_after_the_next_refresh(client, stats_fixture):
    stats_snapshot_refresh()
    Report.objects.filter(reference="ST-R8").delete()
    assert received(client.get("/thong-ke/").content.decode()) == "8"
    stats_snapshot_refresh()
    assert received(client.get("/thong-ke/").content.decode()) == "7"


def test_first_visit_on_a_fresh_install_computes_and_stores_the_snapshot(
    client, stats_fixture, django_assert_max_num_queries
):
    assert not StatsSnapshot.objects.exists()
    assert received(client.get("/thong-ke/").content.decode()) == "8"
    assert list(StatsSnapshot.objects.values_list("key", flat=True)) == [".."]
    with django_assert_max_num_queries(1):
        assert client.get("/thong-ke/").status_code == 200


def test_a_stale_snapshot_is_recomputed_by_a_visit(client, stats_fixture):
    stats_snapshot_refresh()
    old = conftest.NOW - timedelta(seconds=settings.STATS_SNAPSHOT_MAX_AGE + 60)
    StatsSnapshot.objects.update(computed_at=old)
    client.get("/thong-ke/")
    assert StatsSnapshot.objects.get(key="..").computed_at == conftest.NOW
    assert StatsSnapshot.objects.get(key="2025-10-01..").computed_at == old


@pytest.mark.parametrize("key", sorted(PERIOD_KEYS))
def test_snapshot_figures_equal_the_live_computation(stats_fixture, settings, key):
    settings.STATS_RANKING_MIN_CASES = 2
    settings.STATS_RANKING_MIN_RATINGS = 2
    stats_snapshot_refresh()
    filters = stats_periods()[key]
    snapshot = StatsSnapshot.objects.get(key=key)
    assert snapshot.payload == stats_summary_compute(filters=filters, now=conftest.NOW).payload
    assert snapshot.payload["totals"] == stats_totals(filters=filters, now=conftest.NOW)
    for dimension, rows in snapshot.payload["by"].items():
        assert rows == stats_by(dimension=dimension, filters=filters, now=conftest.NOW)
    assert snapshot.payload["ranking"] == agency_ranking(filters=filters, now=conftest.NOW)


def test_refresh_command_is_idempotent_and_drops_past_periods(stats_fixture, capsys):
    StatsSnapshot.objects.create(
        key="2025-09-01..", computed_at=conftest.NOW, seconds=0, payload={}
    )
    call_command("stats_snapshot_refresh", "--dry-run")
    assert "remove 1 past" in capsys.readouterr().out
    assert list(StatsSnapshot.objects.values_list("key", flat=True)) == ["2025-09-01.."]
    call_command("stats_snapshot_refresh")
    first = {s.key: (s.pk, s.payload) for s in StatsSnapshot.objects.all()}
    call_command("stats_snapshot_refresh")
    second = {s.key: (s.pk, s.payload) for s in StatsSnapshot.objects.all()}
    assert set(first) == set(second) == PERIOD_KEYS
    assert first == second
    assert "Rebuilt 3 periods" in capsys.readouterr().out


def test_refresh_command_fails_with_a_clear_error_without_its_table(stats_fixture):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE stats_statssnapshot RENAME TO stats_statssnapshot_away")
    with pytest.raises(CommandError, match="Could not refresh the statistics snapshots"):
        call_command("stats_snapshot_refresh")


def test_celery_beat_refreshes_the_snapshots(stats_fixture):
    entry = settings.CELERY_BEAT_SCHEDULE["stats-snapshot"]
    assert entry["task"] == "stats.tasks.stats_snapshot_refresh_task"
    assert entry["schedule"] == settings.STATS_SNAPSHOT_SECONDS
    assert set(stats_snapshot_refresh_task.delay().get()) == PERIOD_KEYS
    assert StatsSnapshot.objects.count() == 3


def test_a_custom_period_is_computed_once_then_read_from_the_cache(
    client, stats_fixture, django_assert_max_num_queries
):
    html = client.get("/thong-ke/", SEPTEMBER).content.decode()
    assert received(html) == "2"
    with django_assert_max_num_queries(0):
        again = client.get("/thong-ke/", SEPTEMBER).content.decode()
    assert received(again) == "2"
    # The CSV link of the page reads the same copy.
    with django_assert_max_num_queries(0):
        assert client.get("/api/v1/stats", {**SEPTEMBER, "format": "csv"}).status_code == 200
    assert not StatsSnapshot.objects.exists()


def test_anonymous_custom_periods_are_limited_per_client(client, stats_fixture, custom_rate):
    custom_rate("2/hour")
    for day in (1, 2):
        assert client.get("/thong-ke/", {"from": f"2025-09-0{day}"}).status_code == 200
    # Cached periods are not counted.
    assert client.get("/thong-ke/", {"from": "2025-09-01"}).status_code == 200
    refused = client.get("/thong-ke/", {"from": "2025-09-03"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    html = refused.content.decode()
    assert "Bạn đã gửi quá nhiều yêu cầu" in html and "số liệu toàn thời gian" in html
    assert received(html) == "8"
    api = client.get("/api/v1/stats", {"from": "2025-09-04"})
    assert api.status_code == 429 and api.json()["error"].startswith("Bạn đã gửi quá nhiều")
    # Another address has its own budget.
    other = client.get("/thong-ke/", {"from": "2025-09-03"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 200


def test_citizens_are_limited_and_staff_compute_live(client, stats_fixture, custom_rate):
    custom_rate("1/hour")
    client.force_login(UserFactory(username="stats-citizen", role=Role.CITIZEN))
    assert client.get("/thong-ke/", {"from": "2025-09-01"}).status_code == 200
    assert client.get("/thong-ke/", {"from": "2025-09-02"}).status_code == 429
    client.force_login(UserFactory(username="stats-staff", role=Role.IOC_OPERATOR))
    for day in range(1, 5):
        html = client.get("/thong-ke/", {"from": f"2025-10-0{day}"}).content.decode()
        assert "quá nhiều" not in html
    assert received(client.get("/thong-ke/", {"from": "2025-10-02"}).content.decode()) == "4"
    # Live: a report gone since is gone from the figures at once.
    Report.objects.filter(reference="ST-R8").delete()
    assert received(client.get("/thong-ke/", {"from": "2025-10-02"}).content.decode()) == "3"
    data = client.get("/api/v1/stats", {"from": "2025-10-02"}).json()
    assert data["totals"]["received"] == 3


def test_an_end_before_the_start_is_reported_not_a_server_error(client, stats_fixture):
    response = client.get("/thong-ke/", {"from": "2025-10-01", "to": "2025-09-01"})
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau ngày bắt đầu" in response.content.decode()
    api = client.get("/api/v1/stats", {"from": "2025-10-01", "to": "2025-09-01"})
    assert api.status_code == 400 and api.json()["field"] == "to"


def test_api_answers_anonymous_clients_from_the_snapshot(client, stats_fixture):
    stats_snapshot_refresh()
    Report.objects.filter(reference="ST-R8").delete()
    data = client.get("/api/v1/stats", {"by": "agency"}).json()
    assert data["totals"]["received"] == 8
    assert data["generated_at"].startswith("2025-10-20T03:00")
    ranking = client.get("/api/v1/stats/ranking").json()
    assert ranking["rows"] == StatsSnapshot.objects.get(key="..").payload["ranking"]
    assert StatsFilters().key == ".."
