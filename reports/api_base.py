"""Shared pieces of the report API: error mapping, pagination, filters."""

import django_filters
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.errors import ReportError
from reports.models import Report


def error_response(message: str, field: str, code: int) -> Response:
    return Response({"error": message, "field": field}, status=code)


def bad_request(serializer) -> Response:
    field, messages = next(iter(serializer.errors.items()))
    message = messages[0] if isinstance(messages, list) else messages
    if isinstance(message, dict):  # nested list of files
        message = next(iter(message.values()))[0]
    return error_response(f"{field}: {message}", field, status.HTTP_400_BAD_REQUEST)


class ReportErrorMixin:
    """Services raise ReportError subclasses; answer with their code, field and message."""

    def handle_exception(self, exc):
        if isinstance(exc, ReportError):
            return error_response(exc.message, exc.field, exc.status_code)
        if isinstance(exc, NotAuthenticated | PermissionDenied):
            # Session-authenticated clients get 403 from DRF; say clearly what is missing.
            response = super().handle_exception(exc)
            response.data = {"error": str(exc.detail), "field": "non_field_errors"}
            return response
        return super().handle_exception(exc)


class ReportAPIView(ReportErrorMixin, APIView):
    pass


class ReportPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ReportFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code")
    commune = django_filters.CharFilter(field_name="commune__code")
    district = django_filters.CharFilter(field_name="district__code")
    agency = django_filters.CharFilter(field_name="current_agency__code")
    status = django_filters.MultipleChoiceFilter(choices=Report.Status.choices)
    urgent = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(field_name="is_overdue")
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Report
        fields = ["category", "commune", "district", "agency", "status", "urgent", "overdue"]
