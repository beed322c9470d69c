"""Download of the folium HTML map report (analysts only)."""

from django.http import HttpResponse
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.views import APIView

from maps.html_report import html_report_build
from maps.views import AnalystMixin


class HtmlReportView(AnalystMixin, APIView):
    """Standalone HTML map report for a commune or former district (`unit` = its code)."""

    def get(self, request: Request) -> HttpResponse:
        code = request.query_params.get("unit", "")
        report = html_report_build(user=request.user, unit_code=code, filters=self.filters())
        response = HttpResponse(report.page, content_type="text/html; charset=utf-8")
        response["Content-Security-Policy"] = report.header_csp
        stamp = timezone.localtime().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{code}-{stamp}.html"'
        return response
