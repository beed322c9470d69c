"""The figures of the page's charts, each as a table (the same rows feed the SVG, the
screen-reader table and the CSV). Built from the rows of a summary (stats.summary): no query
of their own beyond the communes' outlines (stats.outlines, cached).

Months are those of the report's receipt in the portal's time zone (the "month" grouping):
a month's resolved and on-time figures are those of the reports received in it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from stats.outlines import Outlines, commune_outlines
from stats.selectors import COUNT_FIELDS, StatsFilters, rates

MONTHS = 12
CHARTS = ("summary", "months", "on-time", "satisfaction", "communes")
CLASSES = 5


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    description: str
    # (key of each row, column header)
    columns: list[tuple[str, str]]
    rows: list[dict]
    extra: dict = field(default_factory=dict)

    @property
    def csv_columns(self) -> list[str]:
        return [key for key, _ in self.columns]

    @property
    def headers(self) -> list[str]:
        return [label for _, label in self.columns]

    @property
    def cells(self) -> list[list]:
        """The table's values, row by row, in the order of `columns`."""
        return [[row[key] for key, _ in self.columns] for row in self.rows]


def month_code(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_window(*, filters: StatsFilters, today: date) -> list[str]:
    """The last MONTHS months of the period (up to this month), oldest first."""
    end = min(filters.date_to or today, today).replace(day=1)
    start = _shift(end, 1 - MONTHS)
    if filters.date_from and filters.date_from.replace(day=1) > start:
        start = filters.date_from.replace(day=1)
    months, day = [], start
    while day <= end:
        months.append(month_code(day))
        day = _shift(day, 1)
    return months


def _empty_month(code: str) -> dict:
    row = {"code": code, "name": code, **dict.fromkeys(COUNT_FIELDS, 0)}
    row["median_working_days"] = None
    row.update(rates(row))
    return row


def _months(month_rows: list[dict], months: list[str]) -> list[dict]:
    by_code = {row["code"]: row for row in month_rows}
    return [by_code.get(code) or _empty_month(code) for code in months]


def months_chart(month_rows: list[dict], months: list[str]) -> Chart:
    rows = _months(month_rows, months)
    return Chart(
        name="months",
        title=_("Phản ánh theo tháng và tình trạng"),
        description=_(
            "Số phản ánh gửi đến mỗi tháng (%(n)s tháng gần nhất của kỳ), chia theo tình "
            "trạng hiện nay: đã có kết quả, đang xử lý, bị từ chối, gộp trùng."
        )
        % {"n": len(rows)},
        columns=[
            ("code", _("Tháng")),
            ("received", _("Tiếp nhận")),
            ("resolved", _("Đã có kết quả")),
            ("open", _("Đang xử lý")),
            ("rejected", _("Từ chối")),
            ("merged", _("Gộp trùng")),
        ],
        rows=rows,
    )


def on_time_chart(month_rows: list[dict], months: list[str]) -> Chart:
    rows = _months(month_rows, months)
    return Chart(
        name="on-time",
        title=_("Tỉ lệ xử lý đúng hạn theo tháng"),
        description=_(
            "Phần trăm phản ánh có kết quả đúng hạn (kể cả đúng hạn sau gia hạn) trên số đã có "
            "kết quả cộng số đang quá hạn, theo tháng gửi phản ánh; “—”: chưa có phản ánh nào "
            "đến hạn."
        ),
        columns=[
            ("code", _("Tháng")),
            ("resolved_on_time", _("Đúng hạn")),
            ("resolved_with_extension", _("Gia hạn, đúng hạn")),
            ("resolved", _("Đã có kết quả")),
            ("overdue_now", _("Đang quá hạn")),
            ("on_time_pct", _("Tỉ lệ đúng hạn (%)")),
        ],
        rows=rows,
    )


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def satisfaction_chart(totals: dict) -> Chart:
    rated = totals["rated"]
    labels = (
        ("satisfied", _("Hài lòng")),
        ("acceptable", _("Chấp nhận được")),
        ("unsatisfied", _("Không hài lòng")),
    )
    rows = [
        {"code": key, "name": label, "count": totals[key], "pct": _pct(totals[key], rated)}
        for key, label in labels
    ]
    return Chart(
        name="satisfaction",
        title=_("Đánh giá của người phản ánh"),
        description=_("%(n)s kết quả được đánh giá trong kỳ (đánh giá gần nhất của mỗi phản ánh).")
        % {"n": rated},
        columns=[("name", _("Đánh giá")), ("count", _("Số đánh giá")), ("pct", _("Tỉ lệ (%)"))],
        rows=rows,
        extra={"rated": rated},
    )


def class_breaks(values: list[float]) -> list[float]:
    """Upper bounds of classes 2..5 (class 1: no report): quartiles of the non-zero values,
    rounded, duplicates dropped."""
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    breaks = []
    for quarter in (1, 2, 3, 4):
        value = ordered[min(len(ordered) - 1, -(-quarter * len(ordered) // 4) - 1)]
        value = round(value, 2)
        if not breaks or value > breaks[-1]:
            breaks.append(value)
    return breaks


def class_of(value: float, breaks: list[float]) -> int:
    if value <= 0:
        return 1
    return 2 + next((i for i, bound in enumerate(breaks) if value <= bound), len(breaks) - 1)


def communes_chart(commune_rows: list[dict], outlines: Outlines) -> Chart:
    counts = {row["code"]: row["received"] for row in commune_rows if row["code"] is not None}
    rows = []
    for unit in outlines.communes:
        received = counts.pop(unit.code, 0)
        density = round(10 * received / unit.area_km2, 2) if unit.area_km2 else 0.0
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "received": received,
                "area_km2": round(unit.area_km2, 1),
                "per_10km2": density,
            }
        )
    breaks = class_breaks([row["per_10km2"] for row in rows])
    for row in rows:
        row["class"] = class_of(row["per_10km2"], breaks)
    elsewhere = sum(counts.values()) + sum(
        row["received"] for row in commune_rows if row["code"] is None
    )
    return Chart(
        name="communes",
        title=_("Mật độ phản ánh theo xã/phường"),
        description=_(
            "Số phản ánh trên 10 km² của mỗi xã/phường (%(edition)s), %(k)s lớp; số ghi trên "
            "bản đồ là số phản ánh. Không thuộc xã/phường nào trên bản đồ: %(elsewhere)s."
        )
        % {"edition": outlines.edition, "k": CLASSES, "elsewhere": elsewhere},
        columns=[
            ("code", _("Mã")),
            ("name", _("Xã/phường")),
            ("received", _("Tiếp nhận")),
            ("area_km2", _("Diện tích (km²)")),
            ("per_10km2", _("Phản ánh / 10 km²")),
            ("class", _("Lớp")),
        ],
        rows=rows,
        extra={"breaks": breaks, "elsewhere": elsewhere, "outlines": outlines},
    )


SUMMARY_MEASURES = ("received", "resolved", "on_time_pct", "satisfied_pct")


def summary_chart(month_rows: list[dict], *, today: date) -> Chart:
    """This month against last month (by month of receipt)."""
    this, last = month_code(today), month_code(_shift(today.replace(day=1), -1))
    current, previous = _months(month_rows, [this, last])
    labels = {
        "received": _("Tiếp nhận"),
        "resolved": _("Đã có kết quả"),
        "on_time_pct": _("Tỉ lệ đúng hạn (%)"),
        "satisfied_pct": _("Tỉ lệ hài lòng (%)"),
    }
    rows = []
    for key in SUMMARY_MEASURES:
        now_value, before = current[key], previous[key]
        change = None if now_value is None or before is None else round(now_value - before, 1)
        direction = None if change is None else "up" if change > 0 else "down" if change else "same"
        rows.append(
            {
                "code": key,
                "name": labels[key],
                "this": now_value,
                "last": before,
                "change": change,
                "direction": direction,
                "amount": None if change is None else abs(change),
            }
        )
    return Chart(
        name="summary",
        title=_("Tháng này so với tháng trước"),
        description=_(
            "Theo tháng gửi phản ánh: %(this)s (tính đến hôm nay) so với cả tháng %(last)s."
        )
        % {"this": this, "last": last},
        columns=[
            ("name", _("Chỉ số")),
            ("this", this),
            ("last", last),
            ("change", _("Thay đổi")),
        ],
        rows=rows,
        extra={"this": this, "last": last},
    )


def page_charts(
    *,
    filters: StatsFilters,
    totals: dict,
    by: dict,
    recent_months: list[dict],
    boundaries_version,
    today: date,
) -> dict[str, Chart]:
    """Every chart of the page, by name (CHARTS): the period's, and this month against last
    (from the recent month rows, whatever the period shown)."""
    months = month_window(filters=filters, today=today)
    outlines = commune_outlines(version=boundaries_version, at=today)
    return {
        "summary": summary_chart(recent_months, today=today),
        "months": months_chart(by["month"], months),
        "on-time": on_time_chart(by["month"], months),
        "satisfaction": satisfaction_chart(totals),
        "communes": communes_chart(by["commune"], outlines),
    }
