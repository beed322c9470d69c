"""Shared by the tests that commit for real and run a Celery worker (see their docstrings)."""

import time
from collections.abc import Iterator

from reports.models import Report, User
from routing_rules.models import Agency, Category
from tests.reports.factories import AgencyFactory, CategoryFactory


def worker_rows(prefix: str) -> Iterator[tuple[Category, Agency]]:
    """A category and a ward UBND; rows outside the test's apps are removed by hand (the
    transactional flush limited to `available_apps` spares them)."""
    category = CategoryFactory(code=f"{prefix}-category")
    agency = AgencyFactory(
        code=f"{prefix}-ubnd", kind=Agency.Kind.COMMUNE_UBND, jurisdiction_codes=["03127"]
    )
    yield category, agency
    Report.objects.all().delete()
    User.objects.filter(agency=agency).delete()
    Category.objects.filter(pk=category.pk).delete()
    Agency.objects.filter(pk=agency.pk).delete()


def wait_for(condition, timeout: float = 30.0) -> float | None:
    """Seconds until `condition()` held, or None once `timeout` has passed."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.2)
    return None
