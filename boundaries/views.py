import functools

from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
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
    locate_query_string_fast,
    location_data,
    location_json,
)

# What DRF answers JSON to without a media-type parameter (`indent`) or another renderer.
FAST_ACCEPT = frozenset({None, "*/*", "application/json"})


def _locate_fast(request: HttpRequest) -> bytes | None:
    """The body LocateView answers with 200 to a GET of `lat`/`lon` without a token asking for JSON,
    or None for anything else: a token, `at`, `format` or another parameter, input the
    serializer must name the error of, a point it answers 422 to, a database error."""
    meta = request.META
    if (
        request.method != "GET"
        or "HTTP_AUTHORIZATION" in meta
        or meta.get("HTTP_ACCEPT") not in FAST_ACCEPT
    ):
        return None
    data = locate_query_string_fast(meta.get("QUERY_STRING", ""))
    if data is None:
        params = request.GET
        data = locate_query_fast(params) if len(params) == 2 else None
        if data is None:
            return None
    try:
        return location_json(commune_locate(**data))
    except Exception:  # noqa: BLE001 - DRF's view answers it again, through the one handler
        return None


class LocateView(APIView):
    """Which province, former district and commune must handle a point.

    A point outside the served area answers 422 (boundaries.selectors.LocateError) with the
    province it lies in, when known.
    """

    @classmethod
    def as_view(cls, **initkwargs):
        """DRF's view, behind a plain Django answer to its common request (_locate_fast).

        The lookup takes ~0.05 ms; DRF's request cycle (Request, authentication, negotiation,
        Response, renderer) took four times that. The common request gets the bytes and
        headers DRF sends (tests/boundaries/test_locate_fast.py compares them), everything
        else DRF's view. The view keeps DRF's attributes: the schema and CSRF exemption.
        """
        drf_view = super().as_view(**initkwargs)
        probe = cls(**initkwargs)
        probe.setup(None)
        allow = ", ".join(probe.allowed_methods)
        vary = probe.default_response_headers.get("Vary")

        def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            body = _locate_fast(request)
            if body is None:
                return drf_view(request, *args, **kwargs)
            response = HttpResponse(body, content_type="application/json")
            if vary:
                response.headers["Vary"] = vary
            response.headers["Allow"] = allow
            return response

        return functools.update_wrapper(view, drf_view)

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
            raise NotFound(
                _("Không có đơn vị hành chính mã %(code)s.") % {"code": self.kwargs["code"]}
            )
        return unit
