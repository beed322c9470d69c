"""Server-rendered pages (Vietnamese) over the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reports import selectors
from reports.api_actions import ACTIONS
from reports.errors import ReportError, ReportNotFound
from reports.forms import RegisterForm, ReportForm
from reports.models import Rating, Report, Role
from reports.routing import suggest_agency
from reports.services import accounts, citizen
from reports.services.identity import identity_reveal
from reports.services.recategorize import CHANGEABLE
from reports.services.submission import report_submit
from routing_rules.models import Agency
from routing_rules.selectors import category_list

HOTLINES = [("113", "Công an"), ("114", "Cứu hỏa, cứu nạn"), ("115", "Cấp cứu y tế")]


def _page(request: HttpRequest, reports):
    return Paginator(reports, 20).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    reports = selectors.report_list_public()[:10]
    return render(request, "reports/home.html", {"reports": reports})


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.user_register(**form.cleaned_data)
        except ReportError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Đăng ký thành công.")
            return redirect("reports-web:submit")
    return render(request, "reports/register.html", {"form": form})


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "phone": user.phone, "email": user.email}
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("idempotency_key")
        try:
            outcome = report_submit(user=user, files=data.pop("media"), idempotency_key=key, **data)
        except ReportError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(request, f"Đã gửi phản ánh {outcome.report.reference}. Cảm ơn bạn!")
            return redirect("reports-web:detail", reference=outcome.report.reference)
    return render(request, "reports/submit.html", {"form": form, "hotlines": HOTLINES})


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.report_list_mine(user=request.user))
    return render(request, "reports/list.html", {"page": page, "heading": "Phản ánh của tôi"})


@login_required
def ioc_inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.is_ioc:
        raise Http404
    page = _page(request, selectors.report_list_ioc_inbox(user=request.user))
    return render(request, "reports/list.html", {"page": page, "heading": "Hộp thư IOC"})


@login_required
def agency_queue(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.AGENCY_OFFICER:
        raise Http404
    page = _page(request, selectors.report_list_agency_queue(user=request.user))
    heading = f"Phản ánh giao {request.user.agency.name}"
    return render(request, "reports/list.html", {"page": page, "heading": heading})


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        report = selectors.report_get(user=request.user, reference=reference)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    user = request.user
    sees_internal = selectors.user_sees_internal(user=user, report=report)
    is_reporter = selectors.user_is_reporter(user=user, report=report)
    result = report.results.filter(state="published").order_by("-decided_at").first()
    if result and not (result.is_public or is_reporter or sees_internal):
        result = None
    context = {
        "report": report,
        "timeline": selectors.report_timeline(user=user, report=report),
        "comments": selectors.comment_list(user=user, report=report),
        "media": report.media.all(),
        "result": result,
        "is_reporter": is_reporter,
        "sees_internal": sees_internal,
        "is_ioc": user.is_authenticated and (user.is_superuser or user.is_ioc),
        "is_handler": user.is_authenticated
        and user.role == Role.AGENCY_OFFICER
        and user.agency_id == report.current_agency_id,
        "ratings": Rating.Value.choices,
        "hotlines": HOTLINES if report.urgent else [],
    }
    if context["is_ioc"] or context["is_handler"]:
        context["agencies"] = Agency.objects.filter(is_active=True).order_by("kind", "name")
        context["pending_extensions"] = report.extensions.filter(state="pending")
    if context["is_ioc"] and report.status in CHANGEABLE:
        context["categories"] = category_list()
    if context["is_ioc"] and report.status in (
        Report.Status.SUBMITTED,
        Report.Status.RETURNED,
        Report.Status.REOPENED,
    ):
        context["suggestion"] = suggest_agency(report)
    context["can_reveal"] = context["is_ioc"] or (
        context["is_handler"]
        and citizen.consent_active(report=report, agency=report.current_agency)
    )
    if is_reporter and report.current_agency_id:
        context["consent_active"] = citizen.consent_active(
            report=report, agency=report.current_agency
        )
    return render(request, "reports/detail.html", context)


@login_required
@require_POST
def identity(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the reporter's identity once, on this response only (never via messages or
    cookies); the read is audited by the service."""
    try:
        report = selectors.report_get(user=request.user, reference=reference)
        person = identity_reveal(
            actor=request.user, report=report, reason=request.POST.get("reason", "")
        )
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    except ReportError as exc:
        messages.error(request, exc.message)
        return redirect("reports-web:detail", reference=reference)
    response = render(request, "reports/identity.html", {"report": report, "person": person})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def action(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    """Run one workflow action from a page form, with the API's input serializer."""
    if name not in ACTIONS:
        raise Http404
    try:
        report = selectors.report_get(user=request.user, reference=reference)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    serializer_class, perform = ACTIONS[name]
    data = request.POST.copy()
    serializer = serializer_class(data=data)
    if not serializer.is_valid():
        field, errors = next(iter(serializer.errors.items()))
        messages.error(request, f"{field}: {errors[0]}")
    else:
        try:
            perform(request.user, report, dict(serializer.validated_data))
        except ReportError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "Đã cập nhật.")
    return redirect("reports-web:detail", reference=reference)


@login_required
@require_POST
def comment(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        report = selectors.report_get(user=request.user, reference=reference)
        citizen.comment_add(
            actor=request.user,
            report=report,
            body=request.POST.get("body", ""),
            internal=request.POST.get("internal") == "on",
        )
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    except ReportError as exc:
        messages.error(request, exc.message)
    return redirect("reports-web:detail", reference=reference)
