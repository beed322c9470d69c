"""A real Celery worker (in a thread, on the real Redis broker, a queue of its own): it answers
the staff page's ping, a task enqueued during a request logs that request's id, and a periodic
task's success in the worker is the heartbeat the page shows."""

import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from gis_portal.celery import app
from gis_portal.logs import request_id
from operations.health import check_beat, check_workers

pytestmark = pytest.mark.slow
QUEUE = f"test-operations-{uuid.uuid4().hex[:8]}"


@app.task(name="tests.operations.request_id_seen")
def request_id_seen() -> str | None:
    return request_id.get()


@pytest.fixture(scope="module")
def worker():
    saved = {"task_always_eager": app.conf.task_always_eager, "task_routes": app.conf.task_routes}
    app.conf.task_always_eager = False
    app.conf.task_routes = {"tests.operations.*": {"queue": QUEUE}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    # No outbox relay loop: this worker touches no database.
    with override_settings(OUTBOX_RELAY_IN_WORKER=False):
        try:
            with start_worker(
                app, pool="solo", perform_ping_check=False, queues=[QUEUE], shutdown_timeout=20
            ) as running:
                yield running
        finally:
            for key, value in saved.items():
                setattr(app.conf, key, value)
            app.amqp.flush_routes()
            app.amqp.__dict__.pop("router", None)


def test_the_worker_answers_the_ping(worker, settings):
    settings.HEALTH_CELERY_PING_SECONDS = 0.5
    check = check_workers()
    assert check.status == "ok"
    assert worker.hostname in check.details["workers"]


def test_a_task_logs_the_id_of_the_request_that_enqueued_it(worker):
    token = request_id.set("a1b2c3d4e5f60718293a4b5c6d7e8f90")
    try:
        result = request_id_seen.delay()
    finally:
        request_id.reset(token)
    assert result.get(timeout=20) == "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    # Outside any request the next task has none (the worker thread keeps no leftover).
    assert request_id_seen.delay().get(timeout=20) is None


def test_a_periodic_task_succeeding_in_the_worker_is_its_heartbeat(worker, settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "probe": {"task": "tests.operations.request_id_seen", "schedule": 60.0}
    }
    assert check_beat(now=time.time()).details["tasks"][0]["state"] == "stale"
    request_id_seen.delay().get(timeout=20)
    # The result is stored just before the success signal: the heartbeat follows it closely.
    deadline = time.monotonic() + 10
    while (row := check_beat(now=time.time()).details["tasks"][0])["state"] != "ok":
        assert time.monotonic() < deadline, row
        time.sleep(0.05)
    assert row["age_seconds"] <= 20
