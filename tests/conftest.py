"""Tests run against the real PostGIS database, with Điện Biên's 2025 boundaries loaded once."""

from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from boundaries.services.editions import EDITION_2025, edition_ensure
from boundaries.services.importing import boundaries_import


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
