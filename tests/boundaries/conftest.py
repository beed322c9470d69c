from datetime import date

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon

from boundaries.models import AdminUnit, Edition


def _box(x0: float, y0: float, x1: float, y1: float) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((x0, y0, x1, y1)), srid=4326)


@pytest.fixture
def edition_2025() -> Edition:
    return Edition.objects.get(slug="2025")


@pytest.fixture
def lai_chau_outline(edition_2025) -> AdminUnit:
    """A stand-in for the national file's neighbouring province (not served)."""
    return AdminUnit.objects.create(
        edition=edition_2025,
        level=AdminUnit.Level.PROVINCE,
        code="12",
        name="Lai Châu",
        full_name="Tỉnh Lai Châu",
        unit_type="tỉnh",
        province_code="12",
        area_km2=1,
        geom=_box(103.3, 22.3, 103.6, 22.5),
    )


@pytest.fixture
def later_edition() -> Edition:
    """An edition from 2030 where one tiny commune covers the museum point."""
    edition = Edition.objects.create(slug="2030", name="Thử nghiệm", valid_from=date(2030, 1, 1))
    province = AdminUnit.objects.create(
        edition=edition,
        level="province",
        code="11",
        name="Điện Biên",
        full_name="Tỉnh Điện Biên",
        unit_type="tỉnh",
        province_code="11",
        area_km2=1,
        geom=_box(103.0, 21.3, 103.1, 21.4),
    )
    AdminUnit.objects.create(
        edition=edition,
        level="commune",
        code="99999",
        name="Thử",
        full_name="Phường Thử",
        unit_type="phường",
        province_code="11",
        parent=province,
        area_km2=1,
        geom=_box(103.0, 21.3, 103.1, 21.4),
    )
    return edition
