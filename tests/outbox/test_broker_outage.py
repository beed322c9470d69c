"""With the broker down, submissions and workflow actions still succeed, keep their photos and
lose no notification; once Redis is back and a worker runs, every pending message is delivered
exactly once. A real redis-server process of the test's own is stopped and started."""

import shutil
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from rest_framework.test import APIClient

from gis_portal.celery import app
from outbox.models import OutboxMessage
from outbox.tasks import relay_loop
from outbox.wake import outbox_waker
from reports.models import Media, Notification, Report
from tests.processes import RedisProcess
from tests.reports.conftest import DBP
from tests.reports.factories import UserFactory
from tests.reports.media_samples import gps_jpeg
from tests.reports.worker_support import wait_for, worker_rows

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(
        transaction=True, available_apps=["outbox", "reports", "django.contrib.auth"]
    ),
]


@pytest.fixture
def broker(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is not installed (scripts/setup.sh installs it)")
    redis = RedisProcess(tmp_path)
    redis.start()
    queue = f"test-outage-{uuid.uuid4().hex[:8]}"
    saved = {k: app.conf[k] for k in ("broker_url", "task_always_eager", "task_routes")}
    app.close()
    app.conf.broker_url = redis.url
    app.conf.task_always_eager = False
    app.conf.task_routes = {"reports.tasks.*": {"queue": queue}, "outbox.tasks.*": {"queue": queue}}
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)
    try:
        yield redis, queue
    finally:
        relay_loop.shutdown()
        outbox_waker.shutdown()
        if redis.process.poll() is None:
            redis.stop()
        app.close()
        for key, value in saved.items():
            app.conf[key] = value
        app.amqp.flush_routes()
        app.amqp.__dict__.pop("router", None)


@pytest.fixture
def rows():
    yield from worker_rows("outage")


def test_a_broker_outage_loses_nothing(broker, rows, media_root, settings):
    redis, queue = broker
    category, agency = rows
    reporter = UserFactory(username="outage-reporter", full_name="Lò Văn A", phone="0912000000")
    ioc = UserFactory(username="outage-ioc", role="ioc_operator")
    officer = UserFactory(username="outage-officer", role="agency_officer", agency=agency)
    api = APIClient()
    redis.stop()

    api.force_authenticate(reporter)
    payload = {
        "category": category.code, "title": "Cống tắc", "description": "Nước tràn.",
        "lon": DBP[0], "lat": DBP[1], "media": [gps_jpeg()],
    }  # fmt: skip
    created = api.post(reverse("report-list"), payload, format="multipart")
    assert created.status_code == 201, created.content
    reference = created.json()["reference"]
    media = Media.objects.get(report__reference=reference)
    assert (media_root / media.file.name).exists(), "the photo of a committed report was deleted"
    web = APIClient()
    web.force_login(reporter)
    page = web.post(
        reverse("reports-web:submit"),
        {
            **payload,
            "media": [],
            "full_name": "Lò Văn A",
            "phone": "0912000000",
            "idempotency_key": uuid.uuid4().hex,
        },
    )
    assert page.status_code == 302, page.context["form"].errors if page.context else page
    api.force_authenticate(ioc)
    assigned = api.post(
        reverse("report-assign", args=[reference]), {"agency": agency.code}, format="json"
    )
    assert assigned.status_code == 200, assigned.content
    assert Report.objects.count() == 2  # no duplicate
    assert OutboxMessage.objects.filter(state="pending").count() == 3
    assert not Notification.objects.exists()

    redis.start()
    settings.OUTBOX_RELAY_SECONDS = 1
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
        took = wait_for(lambda: not OutboxMessage.objects.exclude(state="sent").exists(), 20)
    assert took is not None, list(OutboxMessage.objects.values("state", "last_error"))
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    # Exactly once: one notification per recipient and event.
    assert Notification.objects.filter(user=ioc).count() == 2  # the two submissions
    assert Notification.objects.filter(user=officer, transition__action="assign").count() == 1
    assert Notification.objects.filter(user=reporter, transition__action="assign").count() == 1
    print(f"outbox delivered {took:.1f} s after the broker returned")
