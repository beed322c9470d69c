"""Notifications through a real Celery worker and the real Redis broker.

The test commits for real (the worker runs in its own thread and DB connection), so it uses a
transactional database limited to this app's tables: the session's boundary data survives.
A queue of its own keeps any other worker on the same Redis from taking the task.
"""

import uuid

import pytest
from celery.contrib.testing.worker import start_worker

from gis_portal.celery import app
from outbox.tasks import relay_loop
from outbox.wake import outbox_waker
from reports.models import Notification
from reports.services import workflow
from reports.services.submission import report_submit
from tests.reports.conftest import DBP
from tests.reports.factories import UserFactory
from tests.reports.worker_support import wait_for, worker_rows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(
        transaction=True, available_apps=["outbox", "reports", "django.contrib.auth"]
    ),
]


@pytest.fixture
def real_worker():
    queue = f"test-reports-{uuid.uuid4().hex[:8]}"
    saved = {
        "task_always_eager": app.conf.task_always_eager,
        "task_routes": app.conf.task_routes,
    }
    app.conf.task_always_eager = False
    app.conf.task_routes = {"reports.tasks.*": {"queue": queue}, "outbox.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=20
        ) as worker:
            yield worker
    finally:
        # The test worker stops without Celery's worker_shutdown signal: end its relay loop.
        relay_loop.shutdown()
        outbox_waker.shutdown()
        for key, value in saved.items():
            setattr(app.conf, key, value)
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)


@pytest.fixture
def rows():
    yield from worker_rows("worker-test")


def test_state_change_notifies_through_real_worker(real_worker, rows):
    category, agency = rows
    reporter = UserFactory(username="worker-reporter", full_name="A", phone="0912000000")
    ioc = UserFactory(username="worker-ioc", role="ioc_operator")
    officer = UserFactory(username="worker-officer", role="agency_officer", agency=agency)

    report = report_submit(
        user=reporter,
        category=category,
        title="Thử worker",
        description="x",
        lon=DBP[0],
        lat=DBP[1],
    ).report
    assert (
        wait_for(lambda: Notification.objects.filter(user=ioc, report=report).exists()) is not None
    )

    workflow.report_assign(actor=ioc, report=report, agency=agency)
    assert (
        wait_for(
            lambda: Notification.objects.filter(user=officer, transition__action="assign").exists()
        )
        is not None
    )
    assert (
        wait_for(
            lambda: Notification.objects.filter(user=reporter, transition__action="assign").exists()
        )
        is not None
    )
