"""Map data endpoints (API v1). Thin: parse filters, ask maps.selectors, call maps layers.

Errors (bad filters, tiles off the grid, unknown formats) are raised and answered by the
portal's one exception handler, gis_portal.api_errors.
"""

import functools
import json
import math

from django.conf import settings
from django.core.paginator import InvalidPage
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.pagination import GeoJsonPagination

from maps import cells, exports, hexgrid, layers, tile_cache, tiles
from maps.budget import analysis_budget
from maps.errors import ExportFormatError, ExportTooLarge
from maps.filters import HexGridSerializer, MapFilterSerializer, hex_size_parse, map_filters_parse
from maps.schema import ANALYST, COMMON, EXPORT_TOO_LARGE, GEOJSON, LIMITED
from maps.selectors import (
    map_analysis_reports,
    map_export_reports,
    map_officer_reports,
    map_open_reports,
    map_public_reports,
    map_with_details,
)
from maps.serializers import OfficerReportFeatureSerializer, PublicReportFeatureSerializer
from maps.throttles import EveryoneScopedThrottle
from reports.deadlines import end_of_day, working_day_add
from reports.policy import user_is_analyst, user_is_officer, user_is_staff


class FilteredMixin:
    def filters(self):
        return map_filters_parse(self.request.query_params)


class PageRows:
    """A page's reports read in chunks while they are serialized: a 5,000-pin page never holds
    its 25,000 model instances (report, category, commune, district, agency) at once."""

    CHUNK = 500

    def __init__(self, rows):
        self.rows = rows

    def __iter__(self):
        return self.rows.iterator(chunk_size=self.CHUNK)


class MapPagination(GeoJsonPagination):
    page_size = 1000
    page_size_query_param = "page_size"
    max_page_size = settings.MAPS_GEOJSON_MAX_FEATURES

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's, but the page's rows stay a query (DRF lists them all first).
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            message = self.invalid_page_message.format(page_number=page_number, message=str(exc))
            raise NotFound(message) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return PageRows(self.page.object_list)


class PublicMapPagination(MapPagination):
    """Anyone but staff pages at most MAPS_GEOJSON_PUBLIC_MAX_DEPTH reports deep: each page
    costs every row it skips."""

    def paginate_queryset(self, queryset, request, view=None):
        if not user_is_staff(request.user):
            page = request.query_params.get(self.page_query_param, "1")
            size = self.get_page_size(request)
            if page in self.last_page_strings:
                number = math.ceil(queryset.count() / size)
            else:
                number = int(page) if page.isdigit() else 1
            depth = settings.MAPS_GEOJSON_PUBLIC_MAX_DEPTH
            if (number - 1) * size >= depth:
                raise serializers.ValidationError(
                    {
                        "page": _(
                            "chỉ xem được %(depth)s phản ánh đầu; hãy thu hẹp bộ lọc "
                            "(date_from, date_to, commune, district, category, status, bbox)."
                        )
                        % {"depth": depth}
                    }
                )
        return super().paginate_queryset(queryset, request, view)


@extend_schema(parameters=[MapFilterSerializer])
class PublicReportsView(FilteredMixin, generics.ListAPIView):
    """The reports the policy puts on the public map, filtered, as GeoJSON."""

    serializer_class = PublicReportFeatureSerializer
    pagination_class = PublicMapPagination
    filter_backends: list = []
    throttle_scope = "maps-geojson"

    def get_queryset(self):
        reports = map_public_reports(filters=self.filters())
        return map_with_details(reports).order_by("-created_at", "-id")


@extend_schema(parameters=[MapFilterSerializer])
class OfficerReportsView(FilteredMixin, generics.ListAPIView):
    """Open cases of the officer's agency, coloured by time left."""

    serializer_class = OfficerReportFeatureSerializer
    pagination_class = MapPagination
    filter_backends: list = []

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not user_is_officer(request.user):
            raise PermissionDenied(_("Chỉ cán bộ cơ quan xử lý xem được bản đồ hàng đợi."))

    def get_serializer_context(self):
        today = timezone.localdate()
        return {
            **super().get_serializer_context(),
            "now": timezone.now(),
            "soon_cutoff": end_of_day(working_day_add(start=today, days=1)),
        }

    def get_queryset(self):
        reports = map_officer_reports(user=self.request.user, filters=self.filters())
        return map_with_details(reports).order_by("-urgent", "due_at", "created_at")


class AnalystMixin(FilteredMixin):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not user_is_analyst(request.user):
            raise PermissionDenied(_("Chỉ cán bộ phân tích, giám sát, IOC xem được lớp này."))


HEX_PARAMETERS = [MapFilterSerializer, HexGridSerializer]


def _layer_answer(request: Request, text: bytes) -> HttpResponse:
    """A hexagon layer's JSON text (maps.analysis_text), as is when DRF would render plain
    JSON (the renderer's own bytes); else its data, rendered as asked (browsable API, indent)."""
    renderer = request.accepted_renderer
    if renderer.format == "json" and request.accepted_media_type == renderer.media_type:
        return HttpResponse(text, content_type=renderer.media_type)
    return Response(json.loads(text))


class HeatmapView(AnalystMixin, APIView):
    """Open reports on a hexagon grid (cell size by `zoom`, or `cell` metres), weighted by age.

    Analysis views run under the statement budget (maps.budget): 503 past it."""

    @extend_schema(parameters=HEX_PARAMETERS, responses={200: GEOJSON, **ANALYST})
    def get(self, request: Request) -> Response:
        filters = self.filters()
        reports = map_open_reports(user=request.user, filters=filters)
        size = hex_size_parse(request.query_params)
        with analysis_budget():
            text = layers.heatmap_json(reports=reports, size=size, filters=filters)
        return _layer_answer(request, text)


class HotspotView(AnalystMixin, APIView):
    """Getis-Ord Gi* hot/cold spots (FDR-corrected, 90/95/99 %) of reports on a hexagon grid."""

    @extend_schema(parameters=HEX_PARAMETERS, responses={200: GEOJSON, **ANALYST})
    def get(self, request: Request) -> Response:
        filters = self.filters()
        reports = map_analysis_reports(user=request.user, filters=filters)
        size = hex_size_parse(request.query_params, default=hexgrid.DEFAULT_HOTSPOT_SIZE)
        with analysis_budget():
            text = layers.hotspot_json(reports=reports, size=size, filters=filters)
        return _layer_answer(request, text)


class ChoroplethView(AnalystMixin, APIView):
    """Per commune or former district: reports per km², share resolved on time, satisfaction."""

    @extend_schema(
        parameters=[
            MapFilterSerializer,
            OpenApiParameter(
                "level", str, enum=["commune", "district"], description=gettext_lazy("cấp đơn vị")
            ),
        ],
        responses={200: GEOJSON, **ANALYST},
    )
    def get(self, request: Request) -> Response:
        level = request.query_params.get("level", "commune")
        if level not in ("commune", "district"):
            raise serializers.ValidationError({"level": _("chỉ nhận commune hoặc district.")})
        filters = self.filters()
        reports = map_analysis_reports(user=request.user, filters=filters)
        with analysis_budget():
            layer = layers.choropleth_layer(reports=reports, level=level, filters=filters)
        return Response(layer)


# What DRF answers to without a media-type parameter or another renderer (as boundaries.views).
FAST_ACCEPT = frozenset({None, "*/*", "application/json"})


def _public_tile_fast(request: HttpRequest, z: int, x: int, y: int) -> bytes | None:
    """The public tile TileView answers a GET without parameters or a token with, or None for
    anything else: filters, a token (DRF checks it), a tile off the grid, a database error."""
    meta = request.META
    if (
        request.method != "GET"
        or meta.get("QUERY_STRING")
        or "HTTP_AUTHORIZATION" in meta
        or meta.get("HTTP_ACCEPT") not in FAST_ACCEPT
    ):
        return None
    try:
        return tile_cache.public_tile(z=z, x=x, y=y)
    except Exception:  # noqa: BLE001 - DRF's view answers it again, through the one handler
        return None


def _tile_response(request, data: bytes, scope: str) -> HttpResponse:
    etag = tiles.tile_etag(data)
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(data, content_type="application/vnd.mapbox-vector-tile")
    response["ETag"] = etag
    visibility = "public" if scope == "public" else "private"
    response["Cache-Control"] = f"{visibility}, max-age={settings.MAPS_TILE_MAX_AGE}"
    if scope != "public":
        response["Vary"] = "Cookie, Authorization"
    elif not request.session.modified:
        # A public tile is the same for everyone (map_public_reports has no user): varying
        # on the cookie the middleware looked at would keep shared caches, and a browser
        # after signing in, from reusing it.
        request.session.accessed = False
    return response


class TileView(FilteredMixin, APIView):
    """Mapbox vector tile: report points (z ≥ 10) or grid counts (z < 10), cacheable."""

    scope = "public"

    @classmethod
    def as_view(cls, **initkwargs):
        """DRF's view; the public one behind a plain Django answer to its common request, a
        tile without filters (_public_tile_fast): DRF's request cycle (Request, filter
        serializer, authentication, negotiation) cost more than a cached tile. Same bytes and
        headers (tests/maps/test_tile_fast.py compares them); the view keeps DRF's attributes:
        the schema and CSRF exemption."""
        drf_view = super().as_view(**initkwargs)
        if initkwargs.get("scope", cls.scope) != "public":
            return drf_view
        probe = cls(**initkwargs)
        probe.setup(None)
        headers = probe.default_response_headers
        allow, vary = headers["Allow"], headers.get("Vary")

        def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            data = _public_tile_fast(request, kwargs["z"], kwargs["x"], kwargs["y"])
            if data is None:
                return drf_view(request, *args, **kwargs)
            response = _tile_response(request, data, "public")
            if vary:
                patch_vary_headers(response, [vary])
            response.headers["Allow"] = allow
            return response

        return functools.update_wrapper(view, drf_view)

    @extend_schema(
        parameters=[MapFilterSerializer],
        responses={
            (200, "application/vnd.mapbox-vector-tile"): OpenApiTypes.BINARY,
            304: OpenApiResponse(description=gettext_lazy("Không đổi (If-None-Match)")),
            **ANALYST,
        },
    )
    def get(self, request: Request, z: int, x: int, y: int) -> HttpResponse:
        filters = self.filters()
        if self.scope == "analysis":
            if not user_is_analyst(request.user):
                raise PermissionDenied(_("Chỉ cán bộ phân tích, giám sát, IOC xem được lớp này."))
            reports = map_analysis_reports(user=request.user)
            klasses = cells.ALL_KLASSES
        elif filters == tile_cache.NO_FILTERS:
            data = tile_cache.public_tile(z=z, x=x, y=y)
            return _tile_response(request, data, self.scope)
        else:
            reports = map_public_reports()
            klasses = cells.PUBLIC_KLASSES
        data = tiles.report_tile(reports=reports, filters=filters, z=z, x=x, y=y, klasses=klasses)
        return _tile_response(request, data, self.scope)


class ExportView(FilteredMixin, APIView):
    """The reports the user may see, filtered, as GeoJSON, CSV or GeoPackage.

    Counted before the file is built: more than the user's limit is refused (413) naming the
    filters to narrow. Staff have a larger limit and their own request rate.
    """

    throttle_classes = (EveryoneScopedThrottle,)

    @property
    def throttle_scope(self) -> str:
        return "maps-export-staff" if user_is_staff(self.request.user) else "maps-export"

    @extend_schema(
        parameters=[
            MapFilterSerializer,
            OpenApiParameter(
                "fmt",
                str,
                OpenApiParameter.PATH,
                enum=list(exports.EXPORTERS),
                description=gettext_lazy("định dạng"),
            ),
            OpenApiParameter(
                "layer", str, enum=["public"], description=gettext_lazy("chỉ lớp công khai")
            ),
        ],
        responses={
            **{(200, media): OpenApiTypes.BINARY for _, media, _ in exports.EXPORTERS.values()},
            404: OpenApiResponse(description=gettext_lazy("Định dạng không có")),
            413: OpenApiResponse(EXPORT_TOO_LARGE, description=gettext_lazy("Quá nhiều phản ánh")),
            429: LIMITED,
            **COMMON,
        },
    )
    def get(self, request: Request, fmt: str) -> HttpResponse:
        if fmt not in exports.EXPORTERS:
            raise ExportFormatError(_("chỉ nhận geojson, csv hoặc gpkg."))
        reports = map_export_reports(user=request.user, filters=self.filters())
        if request.query_params.get("layer") == "public":
            reports = map_public_reports(filters=self.filters())
        limit = (
            settings.MAPS_EXPORT_MAX_FEATURES
            if user_is_staff(request.user)
            else settings.MAPS_EXPORT_PUBLIC_MAX_FEATURES
        )
        count = reports.count()
        if count > limit:
            raise ExportTooLarge(count=count, limit=limit)
        export, content_type, extension = exports.EXPORTERS[fmt]
        response = HttpResponse(export(reports), content_type=content_type)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="phan-anh-{stamp}.{extension}"'
        return response
