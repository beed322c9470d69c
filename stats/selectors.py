"""Accountability figures per agency, commune, former district, category and month.

Everything is counted in one grouped SQL query per table. Hidden reports are counted like
any other: hiding removes a report from public view, never from the figures.
"""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.deadlines import overdue_q
from reports.errors import ReportInvalid
from reports.models import Extension, Rating, Report, Transition
from stats.sql import Median, WorkingDaysBetween, holiday_dates

Status = Report.Status
Action = Transition.Action

DIMENSIONS = {
    # name: (grouping fields, code field, label field, label for rows with no value)
    "agency": (
        ("current_agency__code", "current_agency__name"),
        gettext_lazy("Chưa giao cơ quan (IOC)"),
    ),
    "commune": (("commune__code", "commune__full_name"), "—"),
    "district": (
        ("district__code", "district__full_name"),
        gettext_lazy("Không thuộc huyện cũ nào"),
    ),
    "category": (("category__code", "category__name"), "—"),
    "month": (("month", "month"), "—"),
}
DIMENSION_LABELS = {
    "agency": gettext_lazy("Cơ quan xử lý"),
    "commune": gettext_lazy("Xã/phường"),
    "district": gettext_lazy("Huyện cũ"),
    "category": gettext_lazy("Lĩnh vực"),
    "month": gettext_lazy("Tháng"),
}
COUNT_FIELDS = (
    "received",
    "hidden",
    "rejected",
    "merged",
    "open",
    "resolved",
    "resolved_on_time",
    "resolved_with_extension",
    "resolved_late",
    "overdue_now",
    "rated",
    "satisfied",
    "acceptable",
    "unsatisfied",
    "disputed",
)
# Which count each public figure is, for the page, the API and the CSV header.
DEFINITIONS = {
    "received": gettext_lazy("Số phản ánh gửi đến trong kỳ (kể cả phản ánh bị ẩn)."),
    "hidden": gettext_lazy("Trong đó bị ẩn khỏi công khai (vẫn được tính và vẫn phải xử lý)."),
    "rejected": gettext_lazy("Bị từ chối (không hợp lệ, không rõ ràng)."),
    "merged": gettext_lazy("Trùng sự việc, đã gộp vào phản ánh khác."),
    "open": gettext_lazy("Đang xử lý (chưa có kết quả)."),
    "resolved": gettext_lazy("Đã có kết quả được công bố."),
    "resolved_on_time": gettext_lazy("Có kết quả trong hạn ban đầu, không gia hạn."),
    "resolved_with_extension": gettext_lazy("Có kết quả trong hạn đã được gia hạn."),
    "resolved_late": gettext_lazy("Có kết quả sau hạn (kể cả hạn đã gia hạn)."),
    "median_working_days": gettext_lazy(
        "Trung vị số ngày làm việc từ khi chuyển cơ quan xử lý lần đầu đến khi công bố kết "
        "quả (không tính thứ Bảy, Chủ nhật, ngày lễ)."
    ),
    "overdue_now": gettext_lazy("Đang quá hạn tại thời điểm xem."),
    "rated": gettext_lazy("Số kết quả được người phản ánh đánh giá (đánh giá gần nhất)."),
    "satisfied": gettext_lazy("Hài lòng."),
    "acceptable": gettext_lazy("Chấp nhận được."),
    "unsatisfied": gettext_lazy("Không hài lòng."),
    "disputed": gettext_lazy(
        "Người phản ánh phản hồi không đồng ý với kết quả, hoặc phản ánh bị mở lại."
    ),
}


@dataclass(frozen=True)
class StatsFilters:
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self):
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise ReportInvalid(_("Ngày kết thúc phải sau ngày bắt đầu."), field="to")

    @property
    def key(self) -> str:
        """The period as "from..to" (ISO dates, either side empty): one name per period."""
        start = self.date_from.isoformat() if self.date_from else ""
        end = self.date_to.isoformat() if self.date_to else ""
        return f"{start}..{end}"


def _local_bounds(filters: StatsFilters) -> tuple[datetime | None, datetime | None]:
    tz = ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(filters.date_from, time.min, tz) if filters.date_from else None
    end = datetime.combine(filters.date_to, time.max, tz) if filters.date_to else None
    return start, end


def stats_reports(*, filters: StatsFilters) -> QuerySet[Report]:
    """Every report received in the period, hidden ones included."""
    start, end = _local_bounds(filters)
    reports = Report.objects.all()
    if start:
        reports = reports.filter(created_at__gte=start)
    if end:
        reports = reports.filter(created_at__lte=end)
    return reports


def stats_annotated(reports: QuerySet[Report], *, now: datetime) -> QuerySet[Report]:
    """Reports with what the figures read: first assignment, extension, dispute, latest
    rating, month and working days."""
    first_assignment = (
        Transition.objects.filter(report=OuterRef("pk"), action=Action.ASSIGN)
        .order_by("created_at", "pk")
        .values("created_at")[:1]
    )
    latest_rating = (
        Rating.objects.filter(report=OuterRef("pk")).order_by("-created_at", "-pk").values("value")
    )[:1]
    this_year = timezone.localtime(now).year
    return reports.annotate(
        first_assigned_at=Subquery(first_assignment),
        extended=Exists(
            Extension.objects.filter(report=OuterRef("pk"), state=Extension.State.APPROVED)
        ),
        disputed_flag=Exists(
            Transition.objects.filter(
                report=OuterRef("pk"), action__in=(Action.REPLY, Action.REOPEN)
            )
        ),
        rating=Subquery(latest_rating),
        month=TruncMonth("created_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
    ).annotate(
        working_days=WorkingDaysBetween(
            F("first_assigned_at"),
            F("closed_at"),
            holiday_list=holiday_dates(first_year=2015, last_year=this_year + 1),
        )
    )


def figure_filters(*, now: datetime) -> dict[str, Q | None]:
    """Which reports each count figure counts (None: every report), in the figures' order.

    The one definition of the counts: the live computation counts them per group, and the
    summary (stats.cube) stores each report's flags from the same filters.
    """
    published = Q(status=Status.PUBLISHED)
    in_time = Q(closed_at__lte=F("due_at"))
    return {
        "received": None,
        "hidden": Q(hidden=True),
        "rejected": Q(status=Status.REJECTED),
        "merged": Q(status=Status.MERGED),
        "open": Q(status__in=Report.OPEN_STATUSES),
        "resolved": published,
        "resolved_on_time": published & in_time & Q(extended=False),
        "resolved_with_extension": published & in_time & Q(extended=True),
        "resolved_late": published & Q(closed_at__gt=F("due_at")),
        "overdue_now": overdue_q(now=now),
        "rated": Q(rating__isnull=False),
        "satisfied": Q(rating=Rating.Value.SATISFIED),
        "acceptable": Q(rating=Rating.Value.ACCEPTABLE),
        "unsatisfied": Q(rating=Rating.Value.UNSATISFIED),
        "disputed": Q(disputed_flag=True),
    }


# Reports whose working days enter the median.
MEDIAN_FILTER = Q(status=Status.PUBLISHED)


def _aggregates(*, now: datetime) -> dict:
    aggregates = {}
    for name, condition in figure_filters(now=now).items():
        aggregates[name] = Count("pk") if condition is None else Count("pk", filter=condition)
        if name == "resolved_late":
            aggregates["median_working_days"] = Median("working_days", filter=MEDIAN_FILTER)
    return aggregates


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def rates(row: dict) -> dict:
    """Shares shown next to the counts (None when the denominator is zero)."""
    handled = row["resolved"] + row["overdue_now"]
    return {
        "resolved_pct": _pct(row["resolved"], row["received"] - row["rejected"] - row["merged"]),
        "on_time_pct": _pct(row["resolved_on_time"] + row["resolved_with_extension"], handled),
        "satisfied_pct": _pct(row["satisfied"], row["rated"]),
        "unsatisfied_pct": _pct(row["unsatisfied"], row["rated"]),
    }


def _finish(row: dict) -> dict:
    median = row.get("median_working_days")
    row["median_working_days"] = None if median is None else round(float(median), 1)
    row.update(rates(row))
    return row


def stats_dimension_check(dimension: str) -> str:
    if dimension not in DIMENSIONS:
        raise ReportInvalid(
            _("Không có cách nhóm “%(name)s” (dùng: %(known)s).")
            % {"name": dimension, "known": ", ".join(DIMENSIONS)},
            field="by",
        )
    return dimension


def stats_by(*, dimension: str, filters: StatsFilters, now: datetime | None = None) -> list[dict]:
    stats_dimension_check(dimension)
    now = now or timezone.now()
    (code_field, label_field), empty_label = DIMENSIONS[dimension]
    reports = stats_annotated(stats_reports(filters=filters), now=now)
    grouped = (
        reports.order_by()
        .values(*dict.fromkeys((code_field, label_field)))
        .annotate(**_aggregates(now=now))
        .order_by(code_field)
    )
    rows = []
    for values in grouped:
        code = values.pop(code_field)
        label = values.pop(label_field, code)
        if dimension == "month" and code is not None:
            code = label = timezone.localtime(code).strftime("%Y-%m")
        rows.append(
            _finish({"code": code, "name": label if code is not None else empty_label, **values})
        )
    return rows


def stats_totals(*, filters: StatsFilters, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    reports = stats_annotated(stats_reports(filters=filters), now=now)
    return _finish(reports.order_by().aggregate(**_aggregates(now=now)))
