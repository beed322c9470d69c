from dataclasses import dataclass

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from boundaries.selectors import Location, commune_locate
from routing_rules.selectors import (
    RouteDecision,
    RouteRequest,
    agency_list,
    category_list,
    report_route,
    special_zone_list,
)
from routing_rules.serializers import (
    AgencyQuerySerializer,
    AgencySerializer,
    CategorySerializer,
    RoutePreviewQuerySerializer,
    RoutePreviewSerializer,
    SpecialZoneQuerySerializer,
    SpecialZoneSerializer,
)


class QueryMixin:
    """Validates query parameters once, before the list is built."""

    query_serializer_class = None

    def get(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.query_serializer_class(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        self.query = serializer.validated_data
        return super().get(request, *args, **kwargs)


class CategoryListView(generics.ListAPIView):
    """Report categories (lĩnh vực) in display order."""

    serializer_class = CategorySerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return category_list()


class AgencyPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class AgencyListView(QueryMixin, generics.ListAPIView):
    """Agencies that handle or coordinate reports (`kind`, `parent`, `jurisdiction`, `search`)."""

    serializer_class = AgencySerializer
    pagination_class = AgencyPagination
    query_serializer_class = AgencyQuerySerializer
    filter_backends: list = []

    @extend_schema(parameters=[AgencyQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return agency_list(
            kind=self.query.get("kind"),
            parent_code=self.query.get("parent"),
            jurisdiction_code=self.query.get("jurisdiction"),
            search=self.query.get("search"),
            include_inactive=self.query.get("include_inactive", False),
        )


class ZonePagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class SpecialZoneListView(QueryMixin, generics.ListAPIView):
    """Special zones (historic sites, road corridors...) as GeoJSON; geometry = effective area."""

    serializer_class = SpecialZoneSerializer
    pagination_class = ZonePagination
    query_serializer_class = SpecialZoneQuerySerializer
    filter_backends: list = []

    @extend_schema(parameters=[SpecialZoneQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return special_zone_list(kind=self.query.get("kind")).defer("geom")


@dataclass(frozen=True)
class _Preview:
    decision: RouteDecision
    location: Location

    def __getattr__(self, name):
        return getattr(self.decision, name)


class RoutePreviewView(APIView):
    """Which agency would handle a report at this point, with coordinators and the reasons."""

    @extend_schema(parameters=[RoutePreviewQuerySerializer], responses=RoutePreviewSerializer)
    def get(self, request: Request) -> Response:
        query = RoutePreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        at = data.get("at")
        location = commune_locate(lon=data["lon"], lat=data["lat"], at=at.date() if at else None)
        route_request = RouteRequest(
            category_code=data["category"],
            lon=data["lon"],
            lat=data["lat"],
            commune_code=location.commune.code,
            district_code=location.district.code if location.district else None,
            urgent=data["urgent"],
            text=data["text"],
            at=at,
        )
        decision = report_route(request=route_request)
        return Response(RoutePreviewSerializer(_Preview(decision, location)).data)
