"""Download of the folium HTML map report (analysts only)."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from maps.filters import MapFilterSerializer
from maps.html_report import html_report_build
from maps.schema import ANALYST, LIMITED
from maps.throttles import EveryoneScopedThrottle
from maps.views import AnalystMixin


class HtmlReportView(AnalystMixin, APIView):
    """Standalone HTML map report for a commune or former district (`unit` = its code).

    Each report inlines Leaflet and up to 5,000 points: limited per user, staff included."""

    throttle_classes = (EveryoneScopedThrottle,)
    throttle_scope = "maps-html-report"

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit",
                str,
                required=True,
                description=gettext_lazy("mã xã/phường (5 số) hoặc huyện cũ (3 số)"),
            ),
            MapFilterSerializer,
        ],
        responses={(200, "text/html"): OpenApiTypes.STR, 429: LIMITED, **ANALYST},
    )
    def get(self, request: Request) -> HttpResponse:
        code = request.query_params.get("unit", "")
        report = html_report_build(user=request.user, unit_code=code, filters=self.filters())
        response = HttpResponse(report.page, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = report.header_csp
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{code}-{stamp}.html"'
        return response
