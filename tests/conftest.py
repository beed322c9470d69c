"""Tests run against the real PostGIS database, with Điện Biên's 2025 boundaries loaded once."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from boundaries.services.editions import EDITION_2025, edition_ensure
from boundaries.services.importing import boundaries_import
from reports.policy import user_needs_two_factor
from routing_rules.models import Agency


def dien_bien_paths() -> tuple[Path, Path]:
    base = Path(settings.BOUNDARIES_DATA_DIR) / "dien-bien"
    return base / "province.geojson", base / "communes.geojson"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    province_path, commune_path = dien_bien_paths()
    with django_db_blocker.unblock():
        boundaries_import(
            edition=edition_ensure(**EDITION_2025),
            province_path=province_path,
            commune_path=commune_path,
        )


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


# --- two-factor sign-in in tests --------------------------------------------------------------
# The IOC, supervisors and administrators must give a TOTP code after their password
# (gis_portal/accounts/twofactor.py), and the test settings keep that on. `client.force_login`
# stands for a whole sign-in, so for those accounts it also gives the account a confirmed TOTP
# device and marks the session verified by it, as django_otp.login does after a right code.
# Tests of the second step itself go through the real pages (tests/test_twofactor.py), or start
# from `force_login_unverified`.

_django_force_login = ClientMixin.force_login


def login_verified(client, user, backend=None) -> TOTPDevice:
    """Sign `user` in on `client` with a session verified by their (confirmed) TOTP device."""
    _django_force_login(client, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Ứng dụng xác thực", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def force_login_unverified(client, user, backend=None) -> None:
    """Django's force_login: signed in, the second factor not given yet."""
    _django_force_login(client, user, backend)


@pytest.fixture(autouse=True)
def staff_sessions_verified(monkeypatch):
    def force_login(self, user, backend=None):
        if user_needs_two_factor(user):
            login_verified(self, user, backend)
        else:
            _django_force_login(self, user, backend)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(autouse=True)
def cache_isolated(settings):
    """Throttle counters (in the real Redis) start from zero in every test."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "KEY_PREFIX": f"{settings.CACHES['default']['KEY_PREFIX']}:{uuid.uuid4().hex}",
        }
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def ubnd_dbp(db) -> Agency:
    """The ward UBND that handles points in Phường Điện Biên Phủ (03127)."""
    agency, _ = Agency.objects.get_or_create(
        code="ubnd-dien-bien-phu",
        defaults={
            "name": "UBND phường Điện Biên Phủ",
            "kind": Agency.Kind.COMMUNE_UBND,
            "jurisdiction_codes": ["03127"],
        },
    )
    return agency


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """The audit log is append-only (reports/migrations/0005): before the flush that ends a
    committed (transactional) test, it is emptied in a maintenance transaction that says so,
    so the flush's TRUNCATE finds it empty."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from django.db import connection, transaction
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            # A fault test may leave a connection to a server it restarted.
            connection.close_if_unusable_or_obsolete()
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL portal.audit_maintenance = 'on'")
                cursor.execute("TRUNCATE reports_auditlog")
    yield


@pytest.fixture(autouse=True)
def language_reset():
    """The test client serves requests in the test's own thread, where LocaleMiddleware leaves
    the last request's language active: each test starts again from the portal's default."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
