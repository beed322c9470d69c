"""Clients, categories, agencies and staff for the Open311 tests."""

import uuid

import pytest

from open311.services.clients import api_client_issue
from reports.models import Role
from tests.reports.factories import CategoryFactory, UserFactory

# Phường Điện Biên Phủ (03127): an interior point; and one in Hà Nội, outside the province.
DBP = (103.0578, 21.4156)
HANOI = (105.8342, 21.0278)

REPORTER = {
    "first_name": "Thị Bí Mật",
    "last_name": "Lò",
    "phone": "0912345678",
    "email": "bimat.open311@example.test",
}


@pytest.fixture(autouse=True)
def isolated_rate_limits(settings):
    """Each test counts in its own Redis namespace (the real Redis, shared with others)."""
    settings.OPEN311_RATE_LIMIT_PREFIX = f"test-open311:{uuid.uuid4().hex}"


@pytest.fixture
def category(db):
    return CategoryFactory(
        code="ve-sinh-moi-truong",
        name="Vệ sinh môi trường",
        group="Môi trường",
        description="Rác thải, nước thải, khói bụi.",
        keywords=["rác", "nước thải"],
        sort_order=1,
    )


@pytest.fixture
def road_category(db):
    return CategoryFactory(
        code="ha-tang-duong", name="Đường, vỉa hè", group="Hạ tầng đô thị", sort_order=2
    )


@pytest.fixture
def ioc(db):
    return UserFactory(username="ioc311", role=Role.IOC_OPERATOR)


@pytest.fixture
def officer(ubnd_dbp):
    return UserFactory(username="canbo311", role=Role.AGENCY_OFFICER, agency=ubnd_dbp)


@pytest.fixture
def issued(db):
    return api_client_issue(name="Ứng dụng thử", contact="dev@example.test")


@pytest.fixture
def other_issued(db):
    return api_client_issue(name="Ứng dụng khác")


@pytest.fixture
def post_data(category, issued):
    def _data(**overrides):
        data = {
            "api_key": issued.key,
            "service_code": category.code,
            "lat": str(DBP[1]),
            "long": str(DBP[0]),
            "description": "Rác thải tồn đọng nhiều ngày cạnh đường, bốc mùi.",
            **REPORTER,
        }
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return _data


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a flush limited to `available_apps` (the live-server client test), re-emit
    post_migrate so content types and permissions are there for the tests that follow."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("available_apps"):
        return
    from django.core.management.sql import emit_post_migrate_signal
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
