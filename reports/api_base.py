"""Shared pieces of the report API: pagination and filters (errors: gis_portal.api_errors)."""

import django_filters
from rest_framework.pagination import PageNumberPagination

from reports.models import Report


class ReportPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ReportFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code")
    commune = django_filters.CharFilter(field_name="commune__code")
    district = django_filters.CharFilter(field_name="district__code")
    agency = django_filters.CharFilter(field_name="current_agency__code")
    # Columns of the report itself: no join, so no DISTINCT (which would also wrap the inbox's
    # per-stage counts in a subquery their EXISTS clauses cannot reach into).
    status = django_filters.MultipleChoiceFilter(choices=Report.Status.choices, distinct=False)
    channel = django_filters.MultipleChoiceFilter(choices=Report.Channel.choices, distinct=False)
    urgent = django_filters.BooleanFilter()
    overdue = django_filters.BooleanFilter(field_name="is_overdue")
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = Report
        fields = [
            "category",
            "commune",
            "district",
            "agency",
            "status",
            "channel",
            "urgent",
            "overdue",
        ]
