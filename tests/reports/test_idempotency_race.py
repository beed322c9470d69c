"""Two simultaneous submissions with one Idempotency-Key create one report (real commits)."""

import threading

import pytest
from django.db import connection

from reports.models import IdempotencyKey, Report, User
from reports.services.submission import report_submit
from routing_rules.models import Category
from tests.reports.conftest import DBP
from tests.reports.factories import CategoryFactory, UserFactory

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, available_apps=["reports", "django.contrib.auth"]),
]


@pytest.fixture
def category():
    category = CategoryFactory(code="race-test-category")
    yield category
    Report.objects.all().delete()
    Category.objects.filter(pk=category.pk).delete()


def test_concurrent_retries_with_same_key_create_one_report(category):
    user = UserFactory(username="race-dan", full_name="Lò Văn Đua", phone="0912999888")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                report_submit(
                    user=User.objects.get(pk=user.pk),
                    category=category,
                    title="Ổ gà lớn",
                    description="Giữa đường",
                    lon=DBP[0],
                    lat=DBP[1],
                    idempotency_key="same-key",
                )
            )
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(outcomes) == 2
    assert {o.report.pk for o in outcomes} == {Report.objects.get().pk}
    assert sorted(o.created for o in outcomes) == [False, True]
    assert IdempotencyKey.objects.count() == 1
