"""SQL building blocks: working days between two moments, and the median."""

from datetime import date

from django.conf import settings
from django.db.models import Aggregate, FloatField, Func, IntegerField

from reports.deadlines import holidays_of_year


def holiday_dates(*, first_year: int, last_year: int) -> list[date]:
    """Public holidays (the calendar reports.deadlines uses) for SQL."""
    country = settings.REPORTS_HOLIDAY_COUNTRY
    years = range(first_year, last_year + 1)
    return sorted(day for year in years for day in holidays_of_year(country=country, year=year))


class WorkingDaysBetween(Func):
    """Working days after the start's local day up to and including the end's local day.

    The same count as reports.deadlines.working_days_between (weekends and holidays
    excluded), done in PostgreSQL so medians are computed where the rows are. NULL when
    either moment is missing.
    """

    output_field = IntegerField()

    def __init__(self, start, end, *, holiday_list: list[date]):
        super().__init__(start, end)
        self.holiday_list = holiday_list

    def as_sql(self, compiler, connection, **extra_context):
        start_sql, start_params = compiler.compile(self.source_expressions[0])
        end_sql, end_params = compiler.compile(self.source_expressions[1])
        tz = settings.TIME_ZONE
        sql = (
            f"(CASE WHEN ({start_sql}) IS NULL OR ({end_sql}) IS NULL THEN NULL ELSE ("
            f"SELECT count(*) FROM generate_series("
            f"(({start_sql}) AT TIME ZONE %s)::date + 1, "
            f"(({end_sql}) AT TIME ZONE %s)::date, interval '1 day') AS wd(day) "
            f"WHERE extract(isodow FROM wd.day) < 6 "
            f"AND NOT (wd.day::date = ANY(%s::date[]))) END)"
        )
        params = (
            *start_params,
            *end_params,
            *start_params,
            tz,
            *end_params,
            tz,
            list(self.holiday_list),
        )
        return sql, params


class Median(Aggregate):
    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
