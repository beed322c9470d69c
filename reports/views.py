"""Read endpoints and submission of the report API."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import policy, selectors
from reports.address import address_locate
from reports.api_base import ReportFilter, ReportPagination
from reports.detail import report_detail_build, report_detail_for
from reports.errors import ReportForbidden, ReportNotFound
from reports.models import Notification, Report
from reports.serializers import (
    AddressMatchSerializer,
    AddressQuerySerializer,
    NearbyQuerySerializer,
    NearbySerializer,
    NotificationSerializer,
    PhotoSerializer,
    ReportCreatedSerializer,
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
    {"type": "string", "maxLength": 100},
    OpenApiParameter.HEADER,
    description=_("Gửi lại cùng khóa sẽ nhận lại phản ánh đã tạo, không tạo thêm."),
)


def report_detail_data(*, request, report) -> dict:
    detail = report_detail_for(user=request.user, report=report)
    return ReportDetailSerializer(
        detail.report, context={"request": request, "detail": detail}
    ).data


def report_created_data(*, request, report) -> dict:
    """The small answer to a submission: no read after the commit (the detail is one GET of
    `links.self` away)."""
    kwargs = {"reference": report.reference}
    return {
        "reference": report.reference,
        "status": report.status,
        "status_label": report.get_status_display(),
        "links": {
            "self": request.build_absolute_uri(reverse("report-detail", kwargs=kwargs)),
            "web": request.build_absolute_uri(reverse("reports-web:detail", kwargs=kwargs)),
        },
    }


class ReportListCreateView(generics.ListAPIView):
    """GET: published public reports. POST: file a new report (multipart for photos)."""

    serializer_class = ReportListSerializer
    pagination_class = ReportPagination
    filterset_class = ReportFilter

    def get_queryset(self):
        return selectors.report_list_public()

    @extend_schema(
        request=ReportSubmitSerializer,
        responses={201: ReportCreatedSerializer, 200: ReportCreatedSerializer},
        parameters=[IDEMPOTENCY_HEADER],
        description=_(
            "Gửi phản ánh. Trả lời ngắn gọn: mã phản ánh, trạng thái và đường dẫn; nội dung "
            "đầy đủ lấy bằng GET `links.self`. Gửi lại cùng Idempotency-Key nhận lại câu trả "
            "lời của phản ánh đã tạo (200)."
        ),
    )
    def post(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated(gettext("Cần đăng nhập để gửi phản ánh."))
        serializer = ReportSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        files = data.pop("media", [])
        outcome = report_submit(
            user=request.user,
            files=files,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
            **data,
        )
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        data = report_created_data(request=request, report=outcome.report)
        return Response(data, status=code, headers={"Location": data["links"]["self"]})


class ScopedListView(generics.ListAPIView):
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


class NearbyView(APIView):
    """Open reports of the same category within 100 m from the last 30 days."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "nearby"

    @extend_schema(parameters=[NearbyQuerySerializer], responses=NearbySerializer(many=True))
    def get(self, request: Request) -> Response:
        query = NearbyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reports = selectors.report_duplicates_nearby(
            user=request.user,
            category_id=query.validated_data["category"].pk,
            lon=query.validated_data["lon"],
            lat=query.validated_data["lat"],
        )[:20]
        return Response(NearbySerializer(reports, many=True).data)


class PhotoLocationView(APIView):
    """Read the GPS position from a photo so the citizen can confirm it; nothing is stored."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "photo-location"

    @extend_schema(request=PhotoSerializer, responses={200: dict})
    def post(self, request: Request) -> Response:
        serializer = PhotoSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        photo = serializer.validated_data["photo"]
        position = image_gps(photo.read(20 * 2**20))
        if position is None:
            return Response({"found": False, "lon": None, "lat": None})
        return Response({"found": True, "lon": position[0], "lat": position[1]})


class AddressLocateView(APIView):
    """Resolve a typed address (old or new unit names) to a commune and a point inside it."""

    throttle_scope = "address-locate"

    @extend_schema(parameters=[AddressQuerySerializer], responses=AddressMatchSerializer)
    def get(self, request: Request) -> Response:
        query = AddressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        match = address_locate(text=query.validated_data["q"])
        return Response(AddressMatchSerializer(match).data)


class ReportDetailView(APIView):
    @extend_schema(responses=ReportDetailSerializer)
    def get(self, request: Request, reference: str) -> Response:
        report = selectors.report_get(user=request.user, reference=reference)
        return Response(report_detail_data(request=request, report=report))


class TimelineView(APIView):
    @extend_schema(responses=TransitionSerializer(many=True))
    def get(self, request: Request, reference: str) -> Response:
        detail = report_detail_build(user=request.user, reference=reference)
        return Response(TransitionSerializer(detail.timeline, many=True).data)


class StatsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        if not policy.user_is_analyst(request.user):
            raise ReportForbidden(gettext("Không có quyền xem thống kê."))
        return Response(selectors.report_stats(user=request.user))


class NotificationListView(generics.ListAPIView):
    serializer_class = NotificationSerializer
    pagination_class = ReportPagination
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return selectors.notification_list(user=self.request.user)


class NotificationReadView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        if not selectors.notification_list(user=request.user).filter(pk=pk).exists():
            raise ReportNotFound(gettext("Không tìm thấy thông báo."), field="id")
        notification_mark_read(user=request.user, notification_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
