"""/api/v1/stats (JSON or CSV) and the public statistics page."""

from datetime import date
from types import SimpleNamespace
from urllib.parse import urlencode

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gis_portal.throttles import LimitsUnavailable, PortalScopedThrottle, RequestLimited
from reports.errors import ReportError, ReportInvalid
from reports.policy import user_is_staff
from stats import charts, svg, visuals
from stats import tables as tables_html
from stats.csv import StatsCSVRenderer, csv_render
from stats.ranking import agency_ranking, formula_text
from stats.selectors import (
    COUNT_FIELDS,
    DEFINITIONS,
    DIMENSION_LABELS,
    DIMENSIONS,
    StatsFilters,
    stats_by,
    stats_dimension_check,
    stats_totals,
)
from stats.services import stats_snapshot_serve, stats_summary_cache_store
from stats.summary import (
    StatsSummary,
    stats_period_list,
    stats_summary_cached,
    stats_summary_compute,
)

ROW_COLUMNS = [
    "code",
    "name",
    *COUNT_FIELDS,
    "median_working_days",
    "resolved_pct",
    "on_time_pct",
    "satisfied_pct",
    "unsatisfied_pct",
]
RANKING_COLUMNS = [
    "rank",
    "code",
    "name",
    "score",
    "timeliness",
    "satisfaction",
    "cases",
    "rated",
    "small_sample",
    "flags",
]
ERROR = OpenApiResponse(OpenApiTypes.OBJECT, description="{error, field}")
ANSWERS = {
    200: OpenApiTypes.OBJECT,
    (200, "text/csv"): OpenApiTypes.STR,
    400: ERROR,
    # A period other than the standard ones, not in the cache, for anyone but staff.
    429: OpenApiResponse(
        OpenApiTypes.OBJECT, description=gettext_lazy("Quá nhiều yêu cầu (Retry-After).")
    ),
    503: ERROR,
}
PERIOD_PARAMETERS = [
    OpenApiParameter("from", date, description=gettext_lazy("Từ ngày (theo ngày gửi phản ánh).")),
    OpenApiParameter("to", date, description=gettext_lazy("Đến ngày (bao gồm).")),
    OpenApiParameter("format", str, enum=["json", "csv"]),
]


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReportInvalid(
            _("%(field)s phải có dạng YYYY-MM-DD.") % {"field": field}, field=field
        ) from None


def filters_from(params) -> StatsFilters:
    return StatsFilters(
        date_from=_date(params.get("from"), "from"), date_to=_date(params.get("to"), "to")
    )


# A period other than the standard ones is read from the summary when it is not in the cache
# (milliseconds); how often one anonymous client or citizen may cause that is still limited
# (staff never are).
CUSTOM_PERIOD = SimpleNamespace(throttle_scope="stats-custom")


def figures_for(request, filters: StatsFilters) -> StatsSummary:
    """The period's figures from its snapshot, the cache, the summary (a limited miss), or, for
    staff, computed live."""
    summary = stats_snapshot_serve(filters=filters)
    if summary is not None:
        return summary
    if user_is_staff(request.user):
        return stats_summary_compute(filters=filters)
    summary = stats_summary_cached(filters=filters)
    if summary is None:
        PortalScopedThrottle().allow_request(request, CUSTOM_PERIOD)
        summary = stats_summary_cache_store(filters=filters)
    return summary


class StatsBaseView(APIView):
    renderer_classes = (JSONRenderer, StatsCSVRenderer)

    def csv_filename(self, request: Request) -> str:
        raise NotImplementedError

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        wants_csv = renderer is not None and renderer.format == "csv"
        if wants_csv and response.status_code >= 400:
            # An error is no table: it is answered in JSON, naming the field, like any other.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        if wants_csv and response.status_code < 400:
            filename = self.csv_filename(request)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class StatsView(StatsBaseView):
    """Figures grouped by agency, commune, former district, category or month."""

    def csv_filename(self, request: Request) -> str:
        return f"thong-ke-{request.query_params.get('by', 'agency')}.csv"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "by", str, enum=list(DIMENSIONS), description=gettext_lazy("Cách nhóm.")
            ),
            *PERIOD_PARAMETERS,
        ],
        responses=ANSWERS,
    )
    def get(self, request: Request) -> Response:
        dimension = stats_dimension_check(request.query_params.get("by", "agency"))
        filters = filters_from(request.query_params)
        if user_is_staff(request.user):
            now = timezone.now()
            rows = stats_by(dimension=dimension, filters=filters, now=now)
            totals = stats_totals(filters=filters, now=now)
        else:
            summary = figures_for(request, filters)
            now, rows, totals = summary.computed_at, summary.rows(dimension), summary.totals
        return Response(
            {
                "by": dimension,
                "from": filters.date_from,
                "to": filters.date_to,
                "generated_at": now,
                "definitions": DEFINITIONS,
                "totals": totals,
                "columns": ROW_COLUMNS,
                "rows": rows,
            }
        )


class RankingView(StatsBaseView):
    """Agencies ranked on timeliness and satisfaction; small samples flagged, not ranked."""

    def csv_filename(self, request: Request) -> str:
        return "xep-hang-co-quan.csv"

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=ANSWERS)
    def get(self, request: Request) -> Response:
        filters = filters_from(request.query_params)
        if user_is_staff(request.user):
            rows = agency_ranking(filters=filters)
        else:
            rows = figures_for(request, filters).ranking
        return Response(
            {
                "from": filters.date_from,
                "to": filters.date_to,
                "formula": formula_text(),
                "columns": RANKING_COLUMNS,
                "rows": rows,
            }
        )


SECTIONS = ("agency", "district", "commune", "category", "month")


def _charts(filters: StatsFilters, summary: StatsSummary) -> dict:
    """The trend, rating and map charts of the period, and this month against last."""
    return visuals.page_charts(
        filters=filters,
        totals=summary.totals,
        by=summary.payload["by"],
        recent_months=summary.recent_months,
        boundaries_version=summary.boundaries_version,
        today=timezone.localtime(summary.computed_at).date(),
    )


def _chart_csv(request, visual: dict) -> HttpResponse:
    name = request.GET.get("chart", "")
    if name not in visual:
        message = _("Không có biểu đồ “%(name)s” (dùng: %(known)s).") % {
            "name": name,
            "known": ", ".join(visuals.CHARTS),
        }
        return JsonResponse({"error": f"chart: {message}", "field": "chart"}, status=400)
    chart = visual[name]
    body = "\ufeff" + csv_render(chart.rows, chart.csv_columns)
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-{name}.csv"'
    return response


def stats_page(request):
    """Public page: summary, charts, ranking and tables; figures are the same as the API's.
    `?format=csv&chart=<name>`: the numbers of one chart (stats.visuals.CHARTS)."""
    status, headers = 200, {}
    try:
        filters = filters_from(request.GET)
    except ReportError as exc:
        filters, error = StatsFilters(), exc.message
    else:
        error = None
    try:
        summary = figures_for(request, filters)
    except (RequestLimited, LimitsUnavailable) as exc:
        status, headers = exc.status_code, exc.headers
        error = _("%(reason)s Dưới đây là số liệu toàn thời gian.") % {"reason": exc.message}
        filters = StatsFilters()
        summary = figures_for(request, filters)
    visual = _charts(filters, summary)
    if request.GET.get("format") == "csv":
        return _chart_csv(request, visual)
    tables = []
    for dimension in SECTIONS:
        rows = summary.rows(dimension)
        chart_rows = rows if dimension == "month" else sorted(rows, key=lambda r: -r["received"])
        tables.append(
            {
                "key": dimension,
                "label": DIMENSION_LABELS[dimension],
                "rows": rows,
                "body": tables_html.figure_rows(rows),
                "chart": charts.stacked_bars(
                    chart_rows,
                    title=_("Kết quả xử lý theo %(dimension)s")
                    % {"dimension": str(DIMENSION_LABELS[dimension]).lower()},
                    series=[
                        ("resolved_on_time", _("Đúng hạn"), "#2e7d32"),
                        ("resolved_with_extension", _("Đúng hạn (gia hạn)"), "#9ccc65"),
                        ("resolved_late", _("Trễ hạn"), "#ef6c00"),
                        ("open", _("Đang xử lý"), "#90a4ae"),
                        ("rejected", _("Từ chối"), "#bdbdbd"),
                        ("merged", _("Gộp trùng"), "#e0e0e0"),
                    ],
                ),
            }
        )
    ratings_chart = charts.stacked_bars(
        [r for r in tables[0]["rows"] if r["rated"]],
        title=_("Đánh giá của người phản ánh theo cơ quan"),
        series=[
            ("satisfied", _("Hài lòng"), "#2e7d32"),
            ("acceptable", _("Chấp nhận được"), "#fbc02d"),
            ("unsatisfied", _("Không hài lòng"), "#c62828"),
        ],
    )
    context = {
        "filters": filters,
        "error": error,
        "computed_at": summary.computed_at,
        "periods": _period_links(filters),
        "totals": summary.totals,
        "tables": tables,
        "ranking": summary.ranking,
        "ranking_rows": tables_html.ranking_rows(summary.ranking),
        "formula": formula_text(),
        "ratings_chart": ratings_chart,
        "definitions": DEFINITIONS,
        "summary": visual["summary"],
        "charts": [
            {"chart": visual[name], "svg": svg.RENDERERS[name](visual[name])}
            for name in svg.RENDERERS
        ],
        "query": _period_query(filters),
    }
    response = render(request, "stats/page.html", context, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


def _period_query(filters: StatsFilters) -> str:
    """The period as query parameters, for the charts' CSV links."""
    return urlencode(
        {
            key: value.isoformat()
            for key, value in (("from", filters.date_from), ("to", filters.date_to))
            if value
        }
    )


def _period_links(current: StatsFilters) -> list[dict]:
    """Links to the standard periods (served from their snapshots)."""
    return [
        {"label": label, "from": period.date_from, "current": period == current}
        for label, period in stats_period_list()
    ]
