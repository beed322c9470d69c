"""The project's categories (data/routing/categories.toml) and verified reports to learn from."""

import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from boundaries.models import Edition
from boundaries.selectors import commune_locate
from reports.models import Report
from routing_rules.models import Category
from suggest.store import model_forget

# Phường Điện Biên Phủ (03127): an interior point.
DBP = (103.0578, 21.4156)


def categories_file() -> Path:
    return Path(settings.ROUTING_DATA_DIR) / "categories.toml"


@pytest.fixture(autouse=True)
def model_fresh(settings):
    """Every test starts with no model in the process, and checks for a newer one every time."""
    settings.SUGGEST_MODEL_CHECK_SECONDS = 0
    model_forget()
    yield
    model_forget()


@pytest.fixture
def categories(db) -> dict[str, Category]:
    """Category rows as routing_load writes them (code, name, description, keywords)."""
    with categories_file().open("rb") as handle:
        records = tomllib.load(handle)["category"]
    fields = ("code", "name", "group", "description", "keywords", "urgent_hint", "is_active")
    rows = [
        Category(sort_order=index, **{key: record[key] for key in fields if key in record})
        for index, record in enumerate(records)
    ]
    return {category.code: category for category in Category.objects.bulk_create(rows)}


@pytest.fixture
def file_reports(categories):
    """Writes reports with the given (text, category code) and status in one INSERT."""
    location = commune_locate(lon=DBP[0], lat=DBP[1])
    edition = Edition.objects.get(slug=location.edition)

    def _file(samples, *, status=Report.Status.ASSIGNED) -> list[Report]:
        rows = [
            Report(
                category=categories[code],
                title=text[:200],
                description=text,
                point=f"SRID=4326;POINT({DBP[0]} {DBP[1]})",
                commune_id=location.commune.id,
                edition=edition,
                status=status,
            )
            for text, code in samples
        ]
        return Report.objects.bulk_create(rows)

    return _file
