"""How the map endpoints' answers appear in the OpenAPI schema (/api/schema/)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(
    "MapError",
    fields={
        "error": serializers.CharField(
            help_text=_("thông báo, theo ngôn ngữ người đọc (mặc định tiếng Việt)")
        ),
        "field": serializers.CharField(help_text=_("tham số gây lỗi")),
    },
)
EXPORT_TOO_LARGE = inline_serializer(
    "MapExportTooLarge",
    fields={
        "error": serializers.CharField(),
        "field": serializers.CharField(),
        "count": serializers.IntegerField(help_text=_("số phản ánh khớp bộ lọc")),
        "limit": serializers.IntegerField(help_text=_("giới hạn mỗi lần xuất")),
        "narrow": serializers.ListField(
            child=serializers.CharField(), help_text=_("các bộ lọc thu hẹp được")
        ),
    },
)
GEOJSON = OpenApiResponse(OpenApiTypes.OBJECT, description="GeoJSON FeatureCollection")
BAD_INPUT = OpenApiResponse(ERROR, description=_("Tham số không hợp lệ (nêu tên tham số)."))
FORBIDDEN = OpenApiResponse(ERROR, description=_("Không có quyền xem lớp này."))
LIMITED = OpenApiResponse(ERROR, description=_("Quá nhiều yêu cầu (Retry-After)."))
# Every map endpoint: bad filters, and limits fail closed when Redis cannot be reached.
COMMON = {400: BAD_INPUT, 503: OpenApiResponse(ERROR, description=_("Tạm thời không phục vụ."))}
ANALYST = {**COMMON, 401: FORBIDDEN, 403: FORBIDDEN}
