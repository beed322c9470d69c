"""The agency's queue page: cases being handled and resolved history, for a unit head the
officers' workload and who gets which case."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from reports import policy
from reports.selectors_officers import QUEUE_TABS, officer_workload_list, report_list_agency_tab


def agency_queue_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    tab = request.GET.get("tab", QUEUE_TABS[0])
    tab = tab if tab in QUEUE_TABS else QUEUE_TABS[0]
    mine = request.GET.get("cua-toi") == "1"
    reports = report_list_agency_tab(user=user, tab=tab, mine=mine)
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    head = policy.user_is_unit_head(user)
    workload = officer_workload_list(agency=user.agency) if head else []
    rows = [(r, head and policy.can_assign_officer(user=user, report=r)) for r in page]
    labels = {QUEUE_TABS[0]: _("Đang xử lý"), QUEUE_TABS[1]: _("Đã giải quyết")}
    tabs = [
        {"code": code, "label": labels[code], "current": code == tab, "query": _query(code, mine)}
        for code in QUEUE_TABS
    ]
    context = {
        "agency": user.agency,
        "page": page,
        "rows": rows,
        "tab": tab,
        "tabs": tabs,
        "mine": mine,
        "mine_query": _query(tab, not mine),
        "page_query": _query(tab, mine),
        "is_unit_head": head,
        "workload": workload,
        "resolved": tab == QUEUE_TABS[1],
    }
    return render(request, "reports/agency_queue.html", context)


def _query(tab: str, mine: bool) -> str:
    return urlencode({"tab": tab, **({"cua-toi": "1"} if mine else {})})
