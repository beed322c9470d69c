"""The IOC's page of channel drafts (e-mail, Zalo… without a place or a category): complete
one (category, pin or place search, title, name, urgent) and file it, or discard it."""

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from reports import policy, selectors, selectors_channels
from reports.errors import ReportError, ReportNotFound
from reports.forms_channels import DraftCompleteForm, DraftDiscardForm
from reports.media_views import stored_file_response
from reports.models import Report
from reports.services.drafts import draft_discard, draft_file
from routing_rules.selectors import category_list

PAGE_SIZE = 20


def _ioc_only(request: HttpRequest) -> None:
    # As the IOC inbox: the page does not exist for anyone else.
    if not policy.user_is_ioc(request.user):
        raise Http404


def _values(draft) -> dict:
    return {
        "category": draft.category.code if draft.category_id else "",
        "title": draft.title,
        "full_name": draft.full_name,
        "urgent": draft.urgent,
        "lon": f"{draft.point.x:.6f}" if draft.point else "",
        "lat": f"{draft.point.y:.6f}" if draft.point else "",
    }


def _channel_label(channel: str) -> str:
    try:
        return Report.Channel(channel).label
    except ValueError:
        return channel


def _page(request: HttpRequest, *, failed=None, status: int = 200) -> HttpResponse:
    """The list; `failed` = (draft id, posted values, {field: [messages]}) re-shows the one
    form that was refused, with its errors next to its fields."""
    drafts = Paginator(selectors.draft_list_open(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = []
    for draft in drafts.object_list:
        values, errors = _values(draft), {}
        if failed and failed[0] == draft.pk:
            values, errors = failed[1], failed[2]
        rows.append(
            {
                "draft": draft,
                "channel": _channel_label(draft.channel),
                "values": values,
                "errors": errors,
            }
        )
    notice = None
    if failed and all(row["draft"].pk != failed[0] for row in rows):
        # Not on this page any more (filed or discarded meanwhile): said above the list.
        notice = next(iter(failed[2].values()))[0]
    context = {
        "notice": notice,
        "page": drafts,
        "rows": rows,
        "categories": category_list(),
        "open_id": failed[0] if failed else None,
    }
    return render(request, "reports/drafts.html", context, status=status)


@login_required
@require_safe
def draft_list(request: HttpRequest) -> HttpResponse:
    _ioc_only(request)
    return _page(request)


def _draft(request: HttpRequest, pk: int):
    _ioc_only(request)
    try:
        return selectors.draft_get(user=request.user, pk=pk)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc


def _form_errors(form) -> dict:
    errors = {field: list(messages_) for field, messages_ in form.errors.items()}
    if "__all__" in errors:
        errors["location"] = errors.pop("__all__")
    return errors


@login_required
@require_POST
def draft_complete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = DraftCompleteForm(request.POST)
    posted = {key: request.POST.get(key, "") for key in ("category", "title", "full_name")}
    posted.update(
        urgent=request.POST.get("urgent") == "on",
        lon=request.POST.get("lon", ""),
        lat=request.POST.get("lat", ""),
    )
    if not form.is_valid():
        return _page(request, failed=(draft.pk, posted, _form_errors(form)), status=400)
    data = form.cleaned_data
    try:
        filed = draft_file(
            draft=draft,
            actor=request.user,
            category=data["category"],
            lon=data["lon"],
            lat=data["lat"],
            title=data["title"],
            full_name=data["full_name"],
            urgent=data["urgent"],
        )
    except ReportError as exc:
        field = exc.field if exc.field in posted or exc.field == "location" else "location"
        status = exc.status_code if 400 <= exc.status_code < 500 else 400
        return _page(request, failed=(draft.pk, posted, {field: [exc.message]}), status=status)
    messages.success(
        request, _("Đã tạo phản ánh %(reference)s.") % {"reference": filed.report.reference}
    )
    return redirect("reports-web:detail", reference=filed.report.reference)


@login_required
@require_POST
def draft_reject(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    form = DraftDiscardForm(request.POST)
    error = None
    if not form.is_valid():
        error = form.errors["reason"][0]
    else:
        try:
            draft_discard(draft=draft, actor=request.user, reason=form.cleaned_data["reason"])
        except ReportError as exc:
            error = exc.message
    if error:
        failed = (draft.pk, _values(draft), {"reason": [error]})
        return _page(request, failed=failed, status=400)
    messages.success(request, _("Đã loại phản ánh chờ #%(pk)s.") % {"pk": draft.pk})
    return redirect("reports-web:drafts")


@login_required
@require_safe
def draft_media(request: HttpRequest, pk: int, media_pk: int) -> HttpResponse:
    """A draft's photo has no Media row yet (the report does not exist): served to the IOC
    only, and only while the draft is open."""
    _ioc_only(request)
    try:
        item = selectors_channels.draft_media_get(user=request.user, draft_id=pk, media_id=media_pk)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    content_type = item.content_type or mimetypes.guess_type(item.file)[0] or ""
    return stored_file_response(item.file, content_type=content_type or "application/octet-stream")
