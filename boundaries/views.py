from django.db.models import F
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from boundaries.functions import simplified_in_metres
from boundaries.selectors import LocateError, commune_locate, unit_list
from boundaries.serializers import (
    AdminUnitSerializer,
    BoundaryQuerySerializer,
    LocateInputSerializer,
    LocationSerializer,
    UnitRefSerializer,
)


def first_error(errors: dict) -> tuple[str, str]:
    field, messages = next(iter(errors.items()))
    return field, f"{field}: {messages[0]}"


def bad_request(serializer) -> Response:
    field, message = first_error(serializer.errors)
    return Response({"error": message, "field": field}, status=status.HTTP_400_BAD_REQUEST)


class LocateView(APIView):
    """Which province, former district and commune must handle a point."""

    @extend_schema(parameters=[LocateInputSerializer], responses=LocationSerializer)
    def get(self, request: Request) -> Response:
        query = LocateInputSerializer(data=request.query_params)
        if not query.is_valid():
            return bad_request(query)
        try:
            location = commune_locate(**query.validated_data)
        except LocateError as exc:
            province = UnitRefSerializer(exc.province).data if exc.province else None
            return Response(
                {"error": exc.message, "province": province},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Response(LocationSerializer(location).data)


class BoundaryPagination(GeoJsonPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class BoundaryQueryMixin:
    serializer_class = AdminUnitSerializer

    def query(self) -> dict:
        if not hasattr(self, "_query"):
            serializer = BoundaryQuerySerializer(data=self.request.query_params)
            if not serializer.is_valid():
                self._query_error = bad_request(serializer)
                self._query = {}
            else:
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

    def dispatch_query_error(self):
        self.query()
        return getattr(self, "_query_error", None)


class BoundaryListView(BoundaryQueryMixin, generics.ListAPIView):
    """Administrative units as a GeoJSON FeatureCollection (`simplify` in metres)."""

    pagination_class = BoundaryPagination

    @extend_schema(parameters=[BoundaryQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return self.dispatch_query_error() or super().get(request, *args, **kwargs)


class BoundaryDetailView(BoundaryQueryMixin, generics.RetrieveAPIView):
    """One administrative unit by official code, in the edition valid on `at` (default today)."""

    @extend_schema(parameters=[BoundaryQuerySerializer])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return self.dispatch_query_error() or super().get(request, *args, **kwargs)

    def get_object(self):
        unit = self.get_queryset().filter(code=self.kwargs["code"]).first()
        if unit is None:
            raise NotFound(f"Không có đơn vị hành chính mã {self.kwargs['code']}.")
        return unit
