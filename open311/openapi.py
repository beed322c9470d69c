"""How the GeoReport v2 endpoints appear in the portal's OpenAPI schema (/api/schema/).

The specification itself (https://wiki.open311.org/GeoReport_v2) stays the reference for
clients; this only lets the schema's tools (docs, schemathesis) see the endpoints.
"""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

FORMAT = OpenApiParameter(
    "format", str, OpenApiParameter.PATH, enum=["json", "xml"], description=_("json hoặc xml.")
)
API_KEY = OpenApiParameter(
    "api_key", str, description=_("Khóa do Trung tâm IOC cấp (nên gửi ở tiêu đề X-Api-Key).")
)
# Preferred to the query string, which proxies and servers write to their access logs.
API_KEY_HEADER = OpenApiParameter(
    "X-Api-Key", str, OpenApiParameter.HEADER, description=_("Khóa do Trung tâm IOC cấp.")
)
JURISDICTION = OpenApiParameter("jurisdiction_id", str)
EXTENSIONS = OpenApiParameter("extensions", str, enum=["true", "false"])
# The suffix chooses the format: DRF's `?format=` would only repeat it.
COMMON = [
    FORMAT,
    OpenApiParameter("format", exclude=True),
    API_KEY,
    API_KEY_HEADER,
    JURISDICTION,
]
ERRORS = "[{code, description}]"
SEVERAL_CODES = _("Nhiều mã cách nhau dấu phẩy.")


def _with_errors(text):
    """The description, naming the error body, in the language the schema is built in."""
    return lazy(lambda: str(text) % {"errors": ERRORS}, str)()


ANSWER = {
    200: OpenApiResponse(OpenApiTypes.ANY, description=_("JSON hoặc XML theo GeoReport v2.")),
    400: OpenApiResponse(OpenApiTypes.ANY, description=ERRORS),
    403: OpenApiResponse(
        OpenApiTypes.ANY,
        description=_with_errors(_("Khóa không hợp lệ hoặc đã thu hồi: %(errors)s")),
    ),
    404: OpenApiResponse(OpenApiTypes.ANY, description=ERRORS),
    429: OpenApiResponse(
        OpenApiTypes.ANY,
        description=_with_errors(_("Vượt hạn mức mỗi phút (Retry-After): %(errors)s")),
    ),
    503: OpenApiResponse(
        OpenApiTypes.ANY, description=_with_errors(_("Tạm thời không đếm được hạn mức: %(errors)s"))
    ),
}

POST_REQUEST = inline_serializer(
    "Open311RequestPost",
    fields={
        "api_key": serializers.CharField(),
        "jurisdiction_id": serializers.CharField(required=False),
        "service_code": serializers.CharField(),
        "description": serializers.CharField(),
        "lat": serializers.FloatField(required=False),
        "long": serializers.FloatField(required=False),
        "address_string": serializers.CharField(required=False),
        "media_url": serializers.CharField(required=False),
        "email": serializers.CharField(required=False),
        "phone": serializers.CharField(),
        "first_name": serializers.CharField(),
        "last_name": serializers.CharField(required=False),
        "media": serializers.ListField(child=serializers.FileField(), required=False),
    },
)


def georeport_schema(
    operation_id: str, description: str, *, parameters=(), responses=None, **kwargs
):
    return extend_schema(
        operation_id=operation_id,
        description=f"GeoReport v2 (Open311): {description}",
        tags=["open311"],
        parameters=[*COMMON, *parameters],
        responses={**ANSWER, **(responses or {})},
        **kwargs,
    )


discovery = georeport_schema("open311_discovery", "the endpoints and formats served.")
services = georeport_schema("open311_services", "the services (report categories).")
service_definition = georeport_schema(
    "open311_service_definition", "the attributes a service's requests take."
)
request_list = georeport_schema(
    "open311_requests",
    "public requests (the last 90 days unless dated), filtered.",
    parameters=[
        OpenApiParameter("service_request_id", str, description=SEVERAL_CODES),
        OpenApiParameter("service_code", str, description=SEVERAL_CODES),
        OpenApiParameter("start_date", OpenApiTypes.DATETIME),
        OpenApiParameter("end_date", OpenApiTypes.DATETIME),
        OpenApiParameter("status", str, description=_("open, closed (cách nhau dấu phẩy).")),
        EXTENSIONS,
    ],
)
request_post = georeport_schema(
    "open311_request_create",
    "file a request (needs api_key); the reporter's identity stays confidential.",
    parameters=[
        OpenApiParameter(
            "Idempotency-Key", {"type": "string", "maxLength": 100}, OpenApiParameter.HEADER
        )
    ],
    request={
        "application/x-www-form-urlencoded": POST_REQUEST,
        "multipart/form-data": POST_REQUEST,
    },
    # 200: the same Idempotency-Key again, answered with the request already filed.
    responses={201: OpenApiResponse(OpenApiTypes.ANY, description=_("Đã tiếp nhận."))},
)
request_detail = georeport_schema("open311_request", "one request.", parameters=[EXTENSIONS])
token = georeport_schema("open311_token", "the request id a token stands for.")
