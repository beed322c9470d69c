from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from boundaries.functions import simplified_in_metres
from boundaries.selectors import commune_locate, unit_list
from boundaries.serializers import (
    AdminUnitSerializer,
    BoundaryQuerySerializer,
    LocateInputSerializer,
    LocationSerializer,
    locate_query_fast,
    location_data,
)


class LocateView(APIView):
    """Which province, former district and commune must handle a point.

    A point outside the served area answers 422 (boundaries.selectors.LocateError) with the
    province it lies in, when known.
    """

    @extend_schema(parameters=[LocateInputSerializer], responses=LocationSerializer)
    def get(self, request: Request) -> Response:
        data = locate_query_fast(request.query_params)
        if data is None:  # `at`, or input the serializer must name the error of
            query = LocateInputSerializer(data=request.query_params)
            query.is_valid(raise_exception=True)
            data = query.validated_data
        return Response(location_data(commune_locate(**data)))


class BoundaryPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class BoundaryQueryMixin:
    serializer_class = AdminUnitSerializer

    def query(self) -> dict:
        if not hasattr(self, "_query"):
            serializer = BoundaryQuerySerializer(data=self.request.query_params)
            serializer.is_valid(raise_exception=True)
            self._query = serializer.validated_data
        return self._query

    def get_queryset(self):
        query = self.query()
        units = unit_list(
            at=query.get("at"),
            edition_slug=query.get("edition"),
            level=query.get("level"),
            province_code=query.get("province"),
            parent_code=query.get("parent"),
        )
        tolerance = query.get("simplify")
        if tolerance:
            return units.annotate(geom_out=simplified_in_metres("geom", tolerance))
        return units.annotate(geom_out=F("geom"))


class BoundaryListView(BoundaryQueryMixin, generics.ListAPIView):
    """Administrative units as a GeoJSON FeatureCollection (`simplify` in metres)."""

    pagination_class = BoundaryPagination

    @extend_schema(parameters=[BoundaryQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class BoundaryDetailView(BoundaryQueryMixin, generics.RetrieveAPIView):
    """One administrative unit by official code, in the edition valid on `at` (default today)."""

    @extend_schema(parameters=[BoundaryQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self):
        unit = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if unit is None:
            raise NotFound(f"Không có đơn vị hành chính mã {self.kwargs['code']}.")
        return unit
