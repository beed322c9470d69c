"""/trang-thai/: the staff health page. Real failures only: a Redis of the test's own that no
worker listens on, a port nothing listens on, a disk threshold above what is free, outbox rows
that waited too long or died, heartbeats of periodic tasks that are old or missing."""

import time
from datetime import timedelta

import pytest
from celery import Celery
from django.utils import timezone

from gis_portal.celery import app as celery_app
from operations.beat import beat_heartbeat_record, beat_started_record
from operations.health import check_beat, check_media_disk, check_outbox, check_workers
from outbox.models import OutboxMessage
from reports.tasks import idempotency_keys_purge_task
from tests.deploy.test_health import closed_port
from tests.processes import RedisProcess

pytestmark = pytest.mark.django_db
URL = "/trang-thai/"
NAMES = {
    "database",
    "redis_broker",
    "redis_cache",
    "media_disk",
    "outbox",
    "beat",
    "workers",
}


@pytest.fixture(scope="module")
def empty_broker(tmp_path_factory):
    """A Redis no Celery worker listens on (other runs' workers share the usual one)."""
    redis = RedisProcess(tmp_path_factory.mktemp("broker"))
    redis.start()
    yield redis.url
    redis.stop_if_running()


@pytest.fixture(autouse=True)
def quick_ping(settings):
    settings.HEALTH_CELERY_PING_SECONDS = 0.2
    # Celery reads its configuration once, at first use: never from a test's overrides.
    assert celery_app.conf.broker_url


def test_only_signed_in_staff_see_the_page(client, stranger, officer):
    assert client.get(URL)["Location"].startswith("/dang-nhap/")
    client.force_login(stranger)
    assert client.get(URL).status_code == 404
    client.force_login(officer)
    assert client.get(URL, {"format": "json"}).status_code in (200, 503)


def test_staff_get_every_check_as_json_or_as_a_page_in_vietnamese(client, ioc):
    client.force_login(ioc)
    response = client.get(URL, HTTP_ACCEPT="application/json")
    body = response.json()
    assert set(body["checks"]) == NAMES
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis_cache"]["status"] == "ok"
    assert "no-store" in response["Cache-Control"]
    page = client.get(URL).content.decode()
    assert "Trạng thái hệ thống" in page and "Cơ sở dữ liệu (PostgreSQL)" in page


def test_no_worker_answering_is_an_error(empty_broker):
    # Not the current app: the portal's tasks stay on the portal's app.
    app = Celery("empty", broker=empty_broker, set_as_current=False)
    try:
        check = check_workers(app=app)
    finally:
        app.close()
    assert check.status == "error" and check.details["workers"] == []


def test_a_broker_that_refuses_is_an_error_and_no_ping_waits_on_it(client, ioc, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    client.force_login(ioc)
    started = time.monotonic()
    response = client.get(URL, {"format": "json"})
    assert time.monotonic() - started < 5
    checks = response.json()["checks"]
    assert checks["redis_broker"]["status"] == "error"
    assert checks["workers"]["status"] == "error"
    assert checks["database"]["status"] == "ok"
    assert response.status_code == 503 and response.json()["status"] == "error"


def test_media_disk_is_an_error_below_the_free_share_set(settings):
    settings.HEALTH_MEDIA_MIN_FREE_PERCENT = 0
    fine = check_media_disk()
    assert fine.status == "ok" and fine.details["free_bytes"] > 0
    assert 0 < fine.details["free_percent"] <= 100
    settings.HEALTH_MEDIA_MIN_FREE_PERCENT = 100
    assert check_media_disk().status == "error"


def test_an_outbox_message_waiting_too_long_or_dead_is_a_warning(settings):
    settings.HEALTH_OUTBOX_MAX_AGE_SECONDS = 300
    OutboxMessage.objects.all().delete()
    assert check_outbox().status == "ok"
    waiting = OutboxMessage.objects.create(topic="test", payload={})
    OutboxMessage.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    late = check_outbox()
    assert late.status == "warning" and late.details["oldest_pending_seconds"] >= 600
    OutboxMessage.objects.filter(pk=waiting.pk).update(state=OutboxMessage.State.DEAD)
    dead = check_outbox()
    assert dead.status == "warning" and dead.details == {**dead.details, "dead": 1, "pending": 0}


def test_a_periodic_task_is_stale_after_twice_its_period_without_success(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "purge": {"task": "reports.tasks.idempotency_keys_purge_task", "schedule": 3600.0},
        "deadlines": {"task": "reports.tasks.reports_deadlines_check", "schedule": 900.0},
    }
    now = time.time()
    # Nothing recorded, not even beat's start: nothing proves the tasks run.
    assert {row["state"] for row in check_beat(now=now).details["tasks"]} == {"stale"}
    beat_started_record(at=now - 60)
    idempotency_keys_purge_task.delay()  # eager: the same success signal as in a worker
    rows = {row["entry"]: row for row in check_beat(now=now + 1).details["tasks"]}
    assert rows["purge"]["state"] == "ok" and rows["purge"]["last_success"]
    assert rows["deadlines"]["state"] == "waiting"
    assert check_beat(now=now + 1).status == "ok"
    beat_heartbeat_record(task_name="reports.tasks.reports_deadlines_check", at=now - 1801)
    stale = check_beat(now=now)
    assert stale.status == "warning" and "deadlines" in stale.summary
