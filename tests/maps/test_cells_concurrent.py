"""Two rebuilds of the report-cell cache at once (a beat on each node, or beat and the command)
leave the rows of one rebuild: the second waits for the first to commit, then replaces its rows
instead of adding its own beside them (real commits, two connections)."""

import threading
import time

import pytest
from django.db import connection, transaction

from maps import cells
from maps.models import CellRefresh
from reports.models import Report
from routing_rules.models import Category
from tests.maps.conftest import DBP, MUONG_THANH

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(
        transaction=True, available_apps=["maps", "reports", "django.contrib.auth"]
    ),
]


@pytest.fixture
def reports(make_report, env_category):
    for k in range(4):
        make_report(DBP, age_days=k + 1)
    make_report(MUONG_THANH, status=Report.Status.IN_PROGRESS)
    yield
    Report.objects.all().delete()
    Category.objects.filter(pk=env_category.pk).delete()


def test_a_second_rebuild_waits_for_the_first_and_replaces_its_rows(reports):
    alone = cells.cells_refresh().rows
    assert alone > 0
    first_built, release = threading.Event(), threading.Event()
    rows, errors = {}, []

    def first() -> None:
        try:
            with transaction.atomic():
                rows["first"] = cells.cells_refresh().rows
                first_built.set()
                release.wait(timeout=20)
        except Exception as exc:  # surfaced by the assertions below
            errors.append(exc)
        finally:
            first_built.set()
            connection.close()

    def second() -> None:
        try:
            rows["second"] = cells.cells_refresh().rows
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_built.wait(timeout=20)
    threads[1].start()
    time.sleep(0.5)
    assert "second" not in rows, "the second rebuild ran while the first was uncommitted"
    release.set()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert rows == {"first": alone, "second": alone}
    with connection.cursor() as cursor:
        cursor.execute("SELECT (SELECT count(*) FROM maps_reportcell) + "
                       "(SELECT count(*) FROM maps_pointcell)")  # fmt: skip
        assert cursor.fetchone()[0] == alone
    assert CellRefresh.objects.count() == 1
