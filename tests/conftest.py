"""Tests run against the real PostGIS database, with Điện Biên's 2025 boundaries loaded once."""

import uuid
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from boundaries.services.editions import EDITION_2025, edition_ensure
from boundaries.services.importing import boundaries_import
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
