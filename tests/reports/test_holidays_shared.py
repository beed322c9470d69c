"""Each year's holidays are computed once and shared through the cache: a web worker answers
from it without importing the `holidays` library (~17 MiB a process)."""

import sys
from datetime import date

import holidays
import pytest
from django.core.cache import cache

from reports import deadlines


@pytest.fixture
def fresh_calendar():
    deadlines.holidays_of_year.cache_clear()
    cache.delete(deadlines.HOLIDAYS_KEY.format(country="VN", year=2027))
    yield
    deadlines.holidays_of_year.cache_clear()


def test_a_year_is_the_librarys_calendar(fresh_calendar):
    expected = frozenset(holidays.country_holidays("VN", years=2027))
    assert deadlines.holidays_of_year(country="VN", year=2027) == expected
    assert date(2027, 9, 2) in expected  # Quốc khánh


def test_another_process_reads_the_year_from_the_cache_without_the_library(
    fresh_calendar, monkeypatch
):
    computed = deadlines.holidays_of_year(country="VN", year=2027)
    deadlines.holidays_of_year.cache_clear()  # as in a new worker
    monkeypatch.setitem(sys.modules, "holidays", None)  # importing it now fails
    assert deadlines.holidays_of_year(country="VN", year=2027) == computed
    assert not deadlines.is_working_day(date(2027, 9, 2))


def test_the_calendar_is_computed_when_the_cache_cannot_be_reached(fresh_calendar, settings):
    settings.CACHES = {  # a real client, against a port nothing listens on
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }
    assert date(2027, 1, 1) in deadlines.holidays_of_year(country="VN", year=2027)
