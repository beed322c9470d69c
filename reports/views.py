"""Read endpoints and submission of the report API."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from reports import selectors
from reports.address import address_locate
from reports.api_base import (
    ReportAPIView,
    ReportErrorMixin,
    ReportFilter,
    ReportPagination,
    bad_request,
)
from reports.models import Media, Notification, Report
from reports.serializers import (
    AddressMatchSerializer,
    AddressQuerySerializer,
    NearbyQuerySerializer,
    NearbySerializer,
    NotificationSerializer,
    PhotoSerializer,
    ReportDetailSerializer,
    ReportListSerializer,
    ReportSubmitSerializer,
    TransitionSerializer,
)
from reports.services.media import image_gps
from reports.services.notifications import notification_mark_read
from reports.services.submission import report_submit

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="Gửi lại cùng khóa sẽ nhận lại phản ánh đã tạo, không tạo thêm.",
)


def report_detail_data(*, request, report) -> dict:
    report = (
        type(report)
        .objects.select_related(*selectors.LIST_RELATED, "duplicate_of")
        .prefetch_related(Prefetch("media", queryset=Media.objects.order_by("id")))
        .get(pk=report.pk)
    )
    context = {
        "request": request,
        "timeline": list(selectors.report_timeline(user=request.user, report=report)),
        "comments": list(selectors.comment_list(user=request.user, report=report)),
    }
    return ReportDetailSerializer(report, context=context).data


class ReportListCreateView(ReportErrorMixin, generics.ListAPIView):
    """GET: published public reports. POST: file a new report (multipart for photos)."""

    serializer_class = ReportListSerializer
    pagination_class = ReportPagination
    filterset_class = ReportFilter

    def get_queryset(self):
        return selectors.report_list_public()

    @extend_schema(
        request=ReportSubmitSerializer,
        responses={201: ReportDetailSerializer, 200: ReportDetailSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated("Cần đăng nhập để gửi phản ánh.")
        serializer = ReportSubmitSerializer(data=request.data)
        if not serializer.is_valid():
            return bad_request(serializer)
        data = dict(serializer.validated_data)
        files = data.pop("media", [])
        outcome = report_submit(
            user=request.user,
            files=files,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
            **data,
        )
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response(report_detail_data(request=request, report=outcome.report), status=code)


class ScopedListView(ReportErrorMixin, generics.ListAPIView):
    serializer_class = ReportListSerializer
    pagination_class = ReportPagination
    filterset_class = ReportFilter
    permission_classes = [IsAuthenticated]
    selector = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Report.objects.none()
        return type(self).selector(user=self.request.user)


class MyReportsView(ScopedListView):
    """Reports I filed or follow."""

    selector = staticmethod(selectors.report_list_mine)


class IocInboxView(ScopedListView):
    """Submitted, returned, result-awaiting and overdue reports (IOC, supervisors)."""

    selector = staticmethod(selectors.report_list_ioc_inbox)


class AgencyQueueView(ScopedListView):
    """The officer's agency's cases, urgent and earliest due first."""

    selector = staticmethod(selectors.report_list_agency_queue)


class NearbyView(ReportAPIView):
    """Open reports of the same category within 100 m from the last 30 days."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[NearbyQuerySerializer], responses=NearbySerializer(many=True))
    def get(self, request: Request) -> Response:
        query = NearbyQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return bad_request(query)
        reports = selectors.report_duplicates_nearby(
            category_id=query.validated_data["category"].pk,
            lon=query.validated_data["lon"],
            lat=query.validated_data["lat"],
        )[:20]
        return Response(NearbySerializer(reports, many=True).data)


class PhotoLocationView(ReportAPIView):
    """Read the GPS position from a photo so the citizen can confirm it; nothing is stored."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=PhotoSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        serializer = PhotoSerializer(data=request.data)
        if not serializer.is_valid():
            return bad_request(serializer)
        photo = serializer.validated_data["photo"]
        position = image_gps(photo.read(20 * 2**20))
        if position is None:
            return Response({"found": False, "lon": None, "lat": None})
        return Response({"found": True, "lon": position[0], "lat": position[1]})


class AddressLocateView(ReportAPIView):
    """Resolve a typed address (old or new unit names) to a commune and a point inside it."""

    @extend_schema(parameters=[AddressQuerySerializer], responses=AddressMatchSerializer)
    def get(self, request: Request) -> Response:
        query = AddressQuerySerializer(data=request.query_params)
        if not query.is_valid():
            return bad_request(query)
        match = address_locate(text=query.validated_data["q"])
        return Response(AddressMatchSerializer(match).data)


class ReportDetailView(ReportAPIView):
    @extend_schema(responses=ReportDetailSerializer)
    def get(self, request: Request, reference: str) -> Response:
        report = selectors.report_get(user=request.user, reference=reference)
        return Response(report_detail_data(request=request, report=report))


class TimelineView(ReportAPIView):
    @extend_schema(responses=TransitionSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        report = selectors.report_get(user=request.user, reference=reference)
        events = selectors.report_timeline(user=request.user, report=report)
        return Response(TransitionSerializer(events, many=True).data)


class StatsView(ReportAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        stats = selectors.report_stats(user=request.user)
        if not stats:
            return Response(
                {"error": "Không có quyền xem thống kê.", "field": "non_field_errors"},
                status=status.HTTP_403_FORBIDDEN,
            )
        return Response(stats)


class NotificationListView(ReportErrorMixin, generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = ReportPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(user=self.request.user)


class NotificationReadView(ReportAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        marked = notification_mark_read(user=request.user, notification_id=pk)
        if not marked and not selectors.notification_list(user=request.user).filter(pk=pk).exists():
            return Response(
                {"error": "Không tìm thấy thông báo.", "field": "id"},
                status=status.HTTP_404_NOT_FOUND,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)
