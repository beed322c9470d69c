"""Reads for the Open311 endpoint: services, requests and tokens, public or the client's own."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from open311.models import ApiClient, Open311Request
from reports import policy
from reports.errors import ReportInvalid, ReportNotFound
from reports.models import Media, Rating, Report, Result, Transition
from routing_rules.models import Category
from routing_rules.selectors import category_list

Status = Report.Status

WINDOW = timedelta(days=90)
MAX_REQUESTS = 1000
OPEN, CLOSED = "open", "closed"


def service_list() -> QuerySet[Category]:
    return category_list()


def service_get(*, service_code: str) -> Category:
    category = category_list().filter(code=service_code).first()
    if category is None:
        raise ReportNotFound(
            _("Không có dịch vụ “%(code)s”.") % {"code": service_code}, field="service_code"
        )
    return category


def open311_visible_reports(*, client: ApiClient | None) -> QuerySet[Report]:
    """What the reports app lets the public see, plus the reports this client filed.

    The client's service account is the reporter of its reports, so the reports policy gives
    it exactly what a citizen sees of their own. Hidden reports are never served here.
    """
    return policy.reports_third_party(user=client.service_user if client else None)


def _with_details(reports: QuerySet[Report]) -> QuerySet[Report]:
    """Everything a response shows, fetched in the same query as the reports."""
    public_result = Result.objects.filter(
        report=OuterRef("pk"), state=Result.State.PUBLISHED
    ).order_by("-decided_at", "-pk")
    rejection = Transition.objects.filter(
        report=OuterRef("pk"), action=Transition.Action.REJECT, public=True
    ).order_by("-created_at", "-pk")
    rating = Rating.objects.filter(report=OuterRef("pk")).order_by("-created_at", "-pk")
    photo = Media.objects.filter(
        report=OuterRef("pk"), kind=Media.Kind.IMAGE, result__isnull=True
    ).order_by("id")
    return reports.select_related(
        "category", "commune", "district", "current_agency", "duplicate_of"
    ).annotate(
        result_text=Subquery(
            public_result.annotate(
                shown=Coalesce(NullIf("edited_text", Value("")), "text", output_field=TextField())
            ).values("shown")[:1]
        ),
        result_public=Subquery(public_result.values("is_public")[:1]),
        rejection_reason=Subquery(rejection.values("reason")[:1]),
        rating_value=Subquery(rating.values("value")[:1]),
        photo=Subquery(photo.values("file")[:1]),
    )


@dataclass(frozen=True)
class RequestQuery:
    service_request_ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start_date: datetime | None = None
    end_date: datetime | None = None
    statuses: tuple[str, ...] = ()


def request_window(
    *, start: datetime | None, end: datetime | None, now: datetime | None = None
) -> tuple[datetime, datetime]:
    """The spec's default: the most recent 90 days; a given range may not span more."""
    now = now or timezone.now()
    if start and end:
        if end < start:
            raise ReportInvalid(_("end_date phải sau start_date."), field="end_date")
        if end - start > WINDOW:
            raise ReportInvalid(
                _("Khoảng start_date–end_date không được quá 90 ngày."), field="start_date"
            )
        return start, end
    if start:
        return start, min(start + WINDOW, now)
    end = end or now
    return end - WINDOW, end


def request_list(*, client: ApiClient | None, query: RequestQuery) -> QuerySet[Report]:
    reports = open311_visible_reports(client=client)
    if query.service_request_ids:
        # The spec: a list of ids overrides every other filter.
        reports = reports.filter(reference__in=query.service_request_ids)
    else:
        start, end = request_window(start=query.start_date, end=query.end_date)
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
        if query.service_codes:
            reports = reports.filter(category__code__in=query.service_codes)
        statuses = set(query.statuses)
        if statuses == {OPEN}:
            reports = reports.filter(policy.OPEN_Q)
        elif statuses == {CLOSED}:
            reports = reports.exclude(policy.OPEN_Q)
    return _with_details(reports).order_by("-created_at", "-pk")[:MAX_REQUESTS]


def request_get(*, client: ApiClient | None, service_request_id: str) -> Report:
    report = (
        _with_details(open311_visible_reports(client=client))
        .filter(reference=service_request_id)
        .first()
    )
    if report is None:
        raise ReportNotFound(
            _("Không tìm thấy yêu cầu “%(id)s”.") % {"id": service_request_id},
            field="service_request_id",
        )
    return report


def token_get(*, token: str) -> Open311Request:
    """The token is a secret given only to the poster; it maps to the request id."""
    request = Open311Request.objects.select_related("report").filter(token=token).first()
    if request is None or not policy.report_served_to_third_parties(request.report):
        raise ReportNotFound(_("Không tìm thấy token này."), field="token")
    return request
