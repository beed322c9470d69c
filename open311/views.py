"""GeoReport v2 endpoints (/open311/v2/...). Thin: parsing here, rules in services/selectors."""

import re

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from gis_portal.api_errors import exception_handler
from gis_portal.throttles import client_ip
from open311 import openapi, presenters, selectors
from open311.attributes import moment_parse
from open311.ratelimit import RateLimited, rate_limit_hit
from open311.renderers import Open311JSONRenderer, Open311XMLRenderer
from open311.services.clients import ApiKeyInvalid, api_client_authenticate
from open311.services.submission import Open311Submission, open311_request_submit
from reports.errors import ReportError, ReportInvalid, ReportNotFound
from reports.policy import user_is_staff

ATTRIBUTE_RE = re.compile(r"^attribute\[([^\]]+)\](\[\])?$")


def georeport_error_body(code: int, message: str, field: str, extra: dict) -> list[dict]:
    return [{"code": code, "description": message}]


def open311_exception_handler(exc: Exception, context: dict) -> Response | None:
    """The portal's handler, after the spec's reading of the domain errors.

    The spec answers every invalid request with 400, naming the field in the description
    (a point outside the served area included, which the portal's own API reports as 422).
    """
    if isinstance(exc, ReportError) and not isinstance(exc, ReportNotFound):
        exc = ReportInvalid(f"{exc.field}: {exc.message}", field=exc.field)
    return exception_handler(exc, context)


def _refuse_nul(params) -> None:
    """Every GeoReport parameter is text, and PostgreSQL text cannot hold a NUL byte: one in
    any parameter is a 400 naming it, before it reaches a query."""
    for name in params:
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        if "\x00" in name or any(isinstance(v, str) and "\x00" in v for v in values):
            name = name.replace("\x00", "")
            raise ReportInvalid(
                _("%(name)s chứa ký tự NUL không hợp lệ.") % {"name": name}, field=name
            )


class Open311View(APIView):
    """Key check, rate limit, jurisdiction and the spec's error shape for every endpoint."""

    authentication_classes = ()
    permission_classes = ()
    renderer_classes = (Open311JSONRenderer, Open311XMLRenderer)
    parser_classes = (FormParser, MultiPartParser)
    xml_root = "response"
    xml_item: str | None = None
    key_required = False
    error_body = staticmethod(georeport_error_body)

    def initial(self, request: Request, *args, **kwargs) -> None:
        # The portal user signed in by session (lazy, read only when needed): Open311
        # authenticates keys, not users, and DRF's authentication overwrites it with anonymous.
        session_user = getattr(request._request, "user", None)
        super().initial(request, *args, **kwargs)
        _refuse_nul(request.query_params)
        if request.method == "POST":
            _refuse_nul(request.data)
        self.client = None
        # The X-Api-Key header is preferred: a key in the query string ends up in access logs.
        key = request.headers.get("X-Api-Key") or request.query_params.get("api_key")
        if request.method == "POST":
            key = request.data.get("api_key") or key
        if key or self.key_required:
            try:
                self.client = api_client_authenticate(key=key)
            except ApiKeyInvalid:
                # Wrong keys spend the caller's address budget: guessing stays throttled.
                self._spend_address_budget(request)
                raise
        if self.client is not None:
            decision = rate_limit_hit(
                identity=f"client:{self.client.pk}",
                limit=self.client.rate_limit_per_minute,
                fail_closed=False,
            )
            if not decision.allowed:
                raise RateLimited(decision.retry_after)
        elif not user_is_staff(session_user):
            # Signed-in staff are never limited, as by the portal's own throttles.
            self._spend_address_budget(request)
        jurisdiction = request.query_params.get("jurisdiction_id")
        if request.method == "POST":
            jurisdiction = request.data.get("jurisdiction_id") or jurisdiction
        if jurisdiction and jurisdiction != presenters.jurisdiction_id():
            raise ReportNotFound(
                _("jurisdiction_id “%(asked)s” không do máy chủ này phục vụ (dùng “%(ours)s”).")
                % {"asked": jurisdiction, "ours": presenters.jurisdiction_id()},
                field="jurisdiction_id",
            )

    def _spend_address_budget(self, request: Request) -> None:
        decision = rate_limit_hit(
            identity=f"addr:{client_ip(request)}",
            limit=settings.OPEN311_ANONYMOUS_RATE_PER_MINUTE,
        )
        if not decision.allowed:
            raise RateLimited(decision.retry_after)

    def get_exception_handler(self):
        return open311_exception_handler

    def build_url(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    def extensions(self) -> bool:
        return self.request.query_params.get("extensions", "").lower() in {"true", "1"}


class DiscoveryView(Open311View):
    xml_root = "discovery"

    @openapi.discovery
    def get(self, request: Request, format: str | None = None) -> Response:
        url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"format": "json"}))
        return Response(presenters.discovery_as_dict(endpoint_url=url.rsplit("/", 1)[0] + "/"))


class ServiceListView(Open311View):
    xml_root = "services"
    xml_item = "service"

    @openapi.services
    def get(self, request: Request, format: str | None = None) -> Response:
        return Response([presenters.service_as_dict(c) for c in selectors.service_list()])


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @openapi.service_definition
    def get(self, request: Request, service_code: str, format: str | None = None) -> Response:
        category = selectors.service_get(service_code=service_code)
        return Response(presenters.service_definition_as_dict(category))


def _moment(value: str | None, name: str):
    if not value:
        return None
    # A "+" in an offset arrives as a space when the client did not encode it.
    moment = moment_parse(value.strip().replace(" ", "+"))
    if moment is None:
        raise ReportInvalid(
            _("%(name)s phải theo định dạng W3C, ví dụ 2025-01-01T00:00:00Z.") % {"name": name},
            field=name,
        )
    return moment


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (value or "").split(",") if part.strip())


def _attributes(data) -> dict[str, str]:
    found = {}
    for key in data:
        match = ATTRIBUTE_RE.match(key)
        if match:
            values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
            found[match.group(1)] = ",".join(str(v) for v in values)
    return found


class RequestListView(Open311View):
    xml_root = "service_requests"
    xml_item = "request"

    @openapi.request_list
    def get(self, request: Request, format: str | None = None) -> Response:
        params = request.query_params
        statuses = tuple(s.lower() for s in _csv(params.get("status")))
        bad = [s for s in statuses if s not in (selectors.OPEN, selectors.CLOSED)]
        if bad:
            raise ReportInvalid(_("status chỉ nhận open, closed."), field="status")
        query = selectors.RequestQuery(
            service_request_ids=_csv(params.get("service_request_id")),
            service_codes=_csv(params.get("service_code")),
            start_date=_moment(params.get("start_date"), "start_date"),
            end_date=_moment(params.get("end_date"), "end_date"),
            statuses=statuses,
        )
        reports = selectors.request_list(client=self.client, query=query)
        extensions = self.extensions()
        return Response(
            [
                presenters.request_as_dict(r, extensions=extensions, build_url=self.build_url)
                for r in reports
            ]
        )

    @openapi.request_post
    def post(self, request: Request, format: str | None = None) -> Response:
        if self.client is None:
            raise ApiKeyInvalid(_("Thiếu api_key: cần khóa do Trung tâm IOC cấp để gửi phản ánh."))
        data = request.data
        submission = Open311Submission(
            service_code=data.get("service_code", ""),
            description=data.get("description", ""),
            lat=data.get("lat"),
            long=data.get("long"),
            address_string=data.get("address_string", ""),
            media_url=data.get("media_url", ""),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            attributes=_attributes(data),
        )
        outcome = open311_request_submit(
            client=self.client,
            data=submission,
            files=request.FILES.getlist("media"),
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        body = presenters.posted_as_dict(
            reference=outcome.request.report.reference,
            token=outcome.request.token,
            urgent=outcome.request.report.urgent,
        )
        code = status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK
        return Response([body], status=code)


class RequestDetailView(Open311View):
    xml_root = "service_requests"
    xml_item = "request"

    @openapi.request_detail
    def get(self, request: Request, service_request_id: str, format: str | None = None):
        report = selectors.request_get(client=self.client, service_request_id=service_request_id)
        data = presenters.request_as_dict(
            report, extensions=self.extensions(), build_url=self.build_url
        )
        return Response([data])


class TokenView(Open311View):
    xml_root = "service_requests"
    xml_item = "request"

    @openapi.token
    def get(self, request: Request, token: str, format: str | None = None) -> Response:
        found = selectors.token_get(token=token)
        return Response([{"service_request_id": found.report.reference, "token": found.token}])
