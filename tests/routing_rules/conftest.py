import shutil
from datetime import datetime
from pathlib import Path

import pytest
from django.db import transaction

from boundaries.selectors import commune_locate
from routing_rules.selectors import RouteDecision, RouteRequest, report_route
from routing_rules.services.loading import LoadReport, routing_data_dir, routing_data_load


@pytest.fixture
def routing_data(db) -> LoadReport:
    """The project's data/routing files loaded into the test database (as routing_load does)."""
    return routing_data_load()


@pytest.fixture(scope="module")
def routing_data_module(django_db_setup, django_db_blocker) -> LoadReport:
    """Like routing_data, loaded once per module inside a transaction rolled back at its end.

    Each test's own transaction nests in it as a savepoint, so tests stay isolated and the
    data never leaks to other modules.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield routing_data_load()
        transaction.set_rollback(True)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/routing for tests that break one record."""
    target = tmp_path / "routing"
    shutil.copytree(routing_data_dir(), target)
    return target


def route_request(
    category: str,
    lon: float,
    lat: float,
    *,
    urgent: bool = False,
    text: str = "",
    at: datetime | None = None,
) -> RouteRequest:
    location = commune_locate(lon=lon, lat=lat, at=at.date() if at else None)
    return RouteRequest(
        category_code=category,
        lon=lon,
        lat=lat,
        commune_code=location.commune.code,
        district_code=location.district.code if location.district else None,
        urgent=urgent,
        text=text,
        at=at,
    )


def route(category: str, lon: float, lat: float, **kwargs) -> RouteDecision:
    return report_route(request=route_request(category, lon, lat, **kwargs))
