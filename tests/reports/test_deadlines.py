from datetime import UTC, date, datetime

import holidays
import pytest
from django.utils import timezone

from reports.deadlines import deadline_after, is_working_day, working_day_add

TET_2027 = date(2027, 2, 6)


def test_holidays_library_knows_tet_2027_as_a_week_off():
    vn = holidays.VN(years=2027)
    assert TET_2027 in vn
    # The official break runs from 29 Tết (Thu 4 Feb) to mùng 5 (Wed 10 Feb).
    assert {date(2027, 2, d) for d in range(4, 11)} <= set(vn)
    assert date(2027, 2, 11) not in vn


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Wednesday before Tết: the whole Tết break and its weekend are skipped.
        (date(2027, 2, 3), 6, date(2027, 2, 18)),
        (date(2027, 2, 3), 1, date(2027, 2, 11)),
        # Assigned during the break: counting starts after it.
        (date(2027, 2, 6), 6, date(2027, 2, 18)),
        # Friday: the weekend does not count.
        (date(2026, 10, 9), 6, date(2026, 10, 19)),
        (date(2026, 10, 9), 1, date(2026, 10, 12)),
        # Urgent: same day, whatever the day.
        (date(2026, 10, 10), 0, date(2026, 10, 10)),
    ],
)
def test_working_day_add_skips_weekends_and_vietnamese_holidays(start, days, expected):
    assert working_day_add(start=start, days=days) == expected


def test_weekend_and_tet_are_not_working_days():
    assert not is_working_day(date(2026, 10, 10))  # Saturday
    assert not is_working_day(date(2027, 2, 8))  # Monday in Tết
    assert is_working_day(date(2027, 2, 11))


def test_deadline_is_end_of_local_day():
    moment = timezone.make_aware(datetime(2027, 2, 3, 16, 30))
    due = timezone.localtime(deadline_after(moment=moment, days=6))
    assert (due.date(), due.hour, due.minute) == (date(2027, 2, 18), 23, 59)


def test_late_evening_utc_moment_counts_from_the_local_day():
    # 18:00 UTC on Friday 9 Oct is already Saturday 10 Oct in Điện Biên (UTC+7).
    moment = datetime(2026, 10, 9, 18, 0, tzinfo=UTC)
    due = timezone.localtime(deadline_after(moment=moment, days=1))
    assert due.date() == date(2026, 10, 12)
