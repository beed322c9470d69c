"""Working-day arithmetic: weekends and Vietnamese public holidays (PyPI `holidays`) excluded."""

import logging
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from importlib.metadata import version

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from reports import policy
from reports.models import Report

logger = logging.getLogger(__name__)
# Importing the library (every country's calendar) costs a process ~17 MiB: each year's
# holidays are computed once, by whichever process asks first, and shared through the cache.
HOLIDAYS_KEY = "holidays:{country}:{year}:" + version("holidays")


@lru_cache(maxsize=64)
def holidays_of_year(*, country: str, year: int) -> frozenset[date]:
    """The public holidays of `country` in `year` (PyPI `holidays`)."""
    key = HOLIDAYS_KEY.format(country=country, year=year)
    try:
        days = cache.get(key)
    except Exception as exc:  # noqa: BLE001 — the cache is an optimisation, never a dependency
        logger.warning("Cache unavailable, holidays computed here: %s", exc)
        days = None
    if days is None:
        import holidays  # noqa: PLC0415 — only where the shared cache could not answer

        days = sorted(holidays.country_holidays(country, years=year))
        try:
            cache.set(key, days, timeout=None)
        except Exception as exc:  # noqa: BLE001
            logger.warning("Cache unavailable, holidays not shared: %s", exc)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    return day not in holidays_of_year(country=settings.REPORTS_HOLIDAY_COUNTRY, year=day.year)


def working_day_add(*, start: date, days: int) -> date:
    """The day on which `days` full working days after `start` have passed (start excluded).

    days=0 gives `start` itself: urgent reports are due the same day.
    """
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(*, start: date, end: date) -> int:
    """Working days after `start` up to and including `end`."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def deadline_after(*, moment: datetime, days: int) -> datetime:
    """End of the local day `days` working days after `moment`."""
    local_day = timezone.localtime(moment).date()
    return end_of_day(working_day_add(start=local_day, days=days))


def deadline_extend(*, due_at: datetime, days: int) -> datetime:
    return deadline_after(moment=due_at, days=days)


# --- overdue: one definition for the sweep, statistics and maps -------------------------------


def overdue_q(*, now: datetime) -> Q:
    """Pending reports past their deadline at `now`: the 1-working-day verification deadline
    while unverified, the handling deadline after."""
    submitted = Q(status=Report.Status.SUBMITTED)
    return policy.OPEN_Q & (
        (submitted & Q(verify_due_at__lt=now)) | (~submitted & Q(due_at__lt=now))
    )


def report_deadline(report) -> datetime | None:
    """The deadline that applies to the report now (verification, then handling)."""
    if report.status == Report.Status.SUBMITTED:
        return report.verify_due_at
    return report.due_at


def report_is_overdue(report, *, now: datetime) -> bool:
    """The object form of overdue_q (the sweep's flag may lag behind by one sweep)."""
    due = report_deadline(report)
    return report.is_open and due is not None and due < now
