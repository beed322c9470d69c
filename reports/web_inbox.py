"""The IOC's workspace: a tab per stage with its count, filters, search and sort."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from boundaries.selectors import unit_list
from reports import inbox, policy
from reports.api_base import ReportFilter
from reports.errors import ReportInvalid
from reports.models import Report
from routing_rules.models import Agency
from routing_rules.selectors import category_list

PAGE_SIZE = 25
FILTER_FIELDS = (
    "category",
    "commune",
    "district",
    "agency",
    "channel",
    "urgent",
    "overdue",
    "created_after",
    "created_before",
)


def filter_choices() -> dict:
    served = settings.BOUNDARIES_SERVED_PROVINCES
    units = unit_list(province_code=served[0]) if len(served) == 1 else unit_list()
    units = units.select_related(None).filter(level__in=("commune", "district"))
    units = list(units.only("code", "name", "level"))
    return {
        "categories": category_list(),
        "communes": [u for u in units if u.level == "commune"],
        "districts": [u for u in units if u.level == "district"],
        "agencies": Agency.objects.filter(is_active=True).only("code", "name"),
        "channels": Report.Channel.choices,
        "sorts": [(key, label) for key, (label, _) in inbox.SORTS.items()],
    }


def filter_errors(filterset) -> list[tuple[str, str]]:
    return [(field, " ".join(messages)) for field, messages in filterset.errors.items()]


@login_required
def ioc_inbox(request: HttpRequest) -> HttpResponse:
    if not policy.user_is_ioc(request.user):
        raise Http404
    errors: list[tuple[str, str]] = []
    try:
        query = inbox.inbox_query_clean(
            stage=request.GET.get("tab"), search=request.GET.get("q"), sort=request.GET.get("sort")
        )
    except ReportInvalid as exc:
        errors.append((exc.field, exc.message))
        query = inbox.InboxQuery(stage=policy.INBOX_DEFAULT_STAGE)
    visible = policy.reports_visible(user=request.user)
    filterset = ReportFilter(request.GET, queryset=visible)
    if filterset.is_valid():
        filtered = filterset.qs
    else:
        errors.extend(filter_errors(filterset))
        filtered = visible
    if query.search:
        filtered = inbox.report_search(filtered, text=query.search)
    counts = inbox.inbox_counts(user=request.user, filtered=filtered)
    reports = inbox.report_list_inbox(user=request.user, query=query, filtered=filtered)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k in FILTER_FIELDS + ("q", "sort") and v}
    tabs = [
        {
            "stage": stage,
            "count": counts.get(stage.code, 0),
            "current": stage.code == query.stage,
            "query": urlencode({**kept, "tab": stage.code}),
        }
        for stage in policy.INBOX_STAGES
    ]
    context = {
        "page": page,
        "tabs": tabs,
        "query": query,
        "stage": policy.INBOX_STAGE_CODES[query.stage],
        "extension_stage": query.stage == inbox.EXTENSION_STAGE,
        "values": request.GET,
        "errors": errors,
        "error_fields": {field for field, _ in errors},
        "page_query": urlencode({**kept, "tab": query.stage}),
        "filtered": any(k in kept for k in FILTER_FIELDS),
        **filter_choices(),
    }
    return render(request, "reports/inbox.html", context, status=400 if errors else 200)


SUPERVISION_ROWS = 50


@login_required
def supervision(request: HttpRequest) -> HttpResponse:
    """Hidden reports waiting for a sign-off, every hidden one, and the overdue and disputed."""
    if not policy.user_is_supervisor(request.user):
        raise Http404
    hidden = list(inbox.report_list_hidden(user=request.user)[:SUPERVISION_ROWS])
    context = {
        "waiting": [r for r in hidden if r.hide_reviewed_at is None],
        "signed": [r for r in hidden if r.hide_reviewed_at is not None],
        "overdue": inbox.report_list_stage(
            user=request.user, stage="qua-han", limit=SUPERVISION_ROWS
        ),
        "disputed": inbox.report_list_stage(
            user=request.user, stage="khong-hai-long", limit=SUPERVISION_ROWS
        ),
    }
    return render(request, "reports/supervision.html", context)
