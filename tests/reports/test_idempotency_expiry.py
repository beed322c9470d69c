"""Idempotency keys live REPORTS_IDEMPOTENCY_KEY_HOURS: then they neither replay nor block,
and the beat task purges them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from reports.models import IdempotencyKey, Report
from reports.services.submission import SCOPE, idempotency_keys_purge
from reports.tasks import idempotency_keys_purge_task

pytestmark = pytest.mark.django_db


def age(key: str, hours: float) -> None:
    IdempotencyKey.objects.filter(key=key).update(
        created_at=timezone.now() - timedelta(hours=hours)
    )


def test_default_lifetime_is_24_hours():
    assert settings.REPORTS_IDEMPOTENCY_KEY_HOURS == 24


def test_key_within_its_lifetime_still_replays(submit):
    first = submit(idempotency_key="retry-1")
    age("retry-1", 23.5)
    assert submit(idempotency_key="retry-1").pk == first.pk
    assert Report.objects.count() == 1


def test_expired_key_files_a_new_report(submit):
    first = submit(idempotency_key="retry-1")
    age("retry-1", 24.5)
    second = submit(idempotency_key="retry-1")
    assert second.pk != first.pk
    assert Report.objects.count() == 2
    row = IdempotencyKey.objects.get(key="retry-1")
    assert row.report_id == second.pk
    assert row.created_at > timezone.now() - timedelta(minutes=1)


def test_expired_key_does_not_refuse_other_content(submit):
    submit(idempotency_key="retry-1")
    age("retry-1", 25)
    other = submit(idempotency_key="retry-1", title="Nội dung khác hẳn")
    assert other.title == "Nội dung khác hẳn"


def test_lifetime_follows_the_setting(submit, settings):
    settings.REPORTS_IDEMPOTENCY_KEY_HOURS = 2
    first = submit(idempotency_key="retry-1")
    age("retry-1", 3)
    assert submit(idempotency_key="retry-1").pk != first.pk


def test_purge_removes_only_expired_keys(submit):
    submit(idempotency_key="old")
    submit(idempotency_key="fresh", title="Một phản ánh khác")
    age("old", 30)
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["fresh"]
    assert Report.objects.count() == 2  # the reports stay


def test_purge_task_is_scheduled_and_purges(submit):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-idempotency-keys"]
    assert entry["task"] == "reports.tasks.idempotency_keys_purge_task"
    submit(idempotency_key="old")
    age("old", 48)
    assert idempotency_keys_purge_task.delay().get() == 1
    assert not IdempotencyKey.objects.filter(scope=SCOPE).exists()
