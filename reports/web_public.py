"""Public pages beside the map: the list of public reports with search and filters, and the
help page for first-time reporters."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from reports import inbox, policy, selectors
from reports.api_base import ReportFilter
from reports.models import Report
from reports.web_inbox import FILTER_FIELDS, filter_choices, filter_errors

PAGE_SIZE = 25
KEPT = ("q", "category", "commune", "district", "status", "created_after", "created_before")


def public_list(request: HttpRequest) -> HttpResponse:
    """What the public map shows, as a list: searchable with or without diacritics."""
    errors: list[tuple[str, str]] = []
    search = (request.GET.get("q") or "").strip()
    if len(search) > inbox.SEARCH_MAX:
        errors.append(("q", _("Từ khóa dài quá %(max)s ký tự.") % {"max": inbox.SEARCH_MAX}))
        search = ""
    public = selectors.report_list_public()
    filterset = ReportFilter(request.GET, queryset=public)
    if filterset.is_valid():
        reports = filterset.qs
    else:
        errors.extend(filter_errors(filterset))
        reports = public
    if search:
        reports = inbox.report_search(reports, text=search)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k in KEPT and v}
    choices = filter_choices()
    context = {
        "page": page,
        "search": search,
        "values": request.GET,
        "errors": errors,
        "error_fields": {field for field, _ in errors},
        "page_query": urlencode(kept),
        "filtered": any(k in kept for k in FILTER_FIELDS),
        "categories": choices["categories"],
        "communes": choices["communes"],
        "statuses": [(s, Report.Status(s).label) for s in policy.PUBLIC_STATUSES],
    }
    return render(request, "reports/public_list.html", context, status=400 if errors else 200)


def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/help.html")
