"""Server-rendered pages (Vietnamese) over the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from reports import policy, selectors
from reports.api_actions import ACTIONS
from reports.detail import case_page_context, report_detail_build
from reports.errors import ReportError, ReportNotFound
from reports.forms import RegisterForm, ReportForm
from reports.models import Rating
from reports.routing import suggest_agency, suggestion_sign
from reports.services import accounts, citizen
from reports.services.identity import identity_reveal
from reports.services.submission import report_submit
from reports.web_agency import agency_queue_page
from reports.web_citizen import resubmit_initial
from routing_rules.models import Agency
from routing_rules.selectors import category_list

HOTLINES = [
    ("113", gettext_lazy("Công an")),
    ("114", gettext_lazy("Cứu hỏa, cứu nạn")),
    ("115", gettext_lazy("Cấp cứu y tế")),
]


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
            messages.success(request, gettext("Đăng ký thành công."))
            return redirect("reports-web:submit")
    return render(request, "reports/register.html", {"form": form})


@login_required
def submit(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "phone": user.phone, "email": user.email}
    initial.update(resubmit_initial(user=user, reference=request.GET.get("gui-lai")))
    form = ReportForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        key = data.pop("idempotency_key")
        try:
            outcome = report_submit(
                user=user,
                files=data.pop("media"),
                idempotency_key=key,
                input_fields={"idempotency_key": "idempotency_key"},
                **data,
            )
        except ReportError as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.message)
        else:
            messages.success(
                request,
                gettext("Đã gửi phản ánh %(reference)s. Cảm ơn bạn!")
                % {"reference": outcome.report.reference},
            )
            return redirect("reports-web:detail", reference=outcome.report.reference)
    # A refused submission is a 400 (the form names the field), as on the API.
    status = 400 if form.errors else 200
    context = {"form": form, "hotlines": HOTLINES}
    return render(request, "reports/submit.html", context, status=status)


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.report_list_mine(user=request.user))
    context = {"page": page, "heading": gettext("Phản ánh của tôi"), "mine": True}
    return render(request, "reports/list.html", context)


@login_required
def agency_queue(request: HttpRequest) -> HttpResponse:
    if not policy.user_is_officer(request.user):
        raise Http404
    return agency_queue_page(request)


def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        detail = report_detail_build(user=request.user, reference=reference)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    report, actions = detail.report, detail.actions
    context = {
        "detail": detail,
        "report": report,
        "actions": actions,
        "action_error": action_error_take(request, reference=reference),
        "ratings": Rating.Value.choices,
        "hotlines": HOTLINES if report.urgent else [],
        "moderation": [
            ("hide-approve", gettext("Duyệt ẩn")),
            ("hide", gettext("Ẩn khỏi công khai")),
            ("unhide", gettext("Bỏ ẩn")),
        ],
    }
    if actions & {"assign", "invite"}:
        context["agencies"] = Agency.objects.filter(is_active=True).order_by("kind", "name")
    if "category" in actions:
        context["categories"] = category_list()
    if "assign" in actions:
        suggestion = suggest_agency(report)
        context["suggestion"] = suggestion
        context["suggestion_token"] = suggestion_sign(report=report, suggestion=suggestion)
    context.update(case_page_context(user=request.user, report=report, actions=actions))
    # Only a report the public may open is worth a link to pass on.
    context["share_url"] = (
        request.build_absolute_uri(request.path) if policy.report_is_public(report) else ""
    )
    context["can_resubmit"] = (
        detail.is_reporter
        and policy.reports_resubmittable(user=request.user).filter(pk=report.pk).exists()
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


ACTION_ERROR_KEY = "action_error"


def action_error_keep(request, *, reference: str, action: str, field, message) -> None:
    """The refusal goes to the top of the page (announced: role=alert) and, where it names a
    field, beside that field on the page the action returns to (reports/templatetags)."""
    messages.error(request, message)
    if field:
        request.session[ACTION_ERROR_KEY] = {
            "reference": reference,
            "action": action,
            "field": str(field),
            "message": str(message),
        }


def action_error_take(request, *, reference: str) -> dict | None:
    error = request.session.pop(ACTION_ERROR_KEY, None)
    return error if error and error.get("reference") == reference else None


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
    for key in request.FILES:  # a result's photos
        data.setlist(key, request.FILES.getlist(key))
    serializer = serializer_class(data=data)
    try:
        policy.action_check(user=request.user, report=report, action=name)
        if not serializer.is_valid():
            field, errors = next(iter(serializer.errors.items()))
            action_error_keep(
                request, reference=reference, action=name, field=field, message=errors[0]
            )
        else:
            perform(request.user, report, dict(serializer.validated_data))
            messages.success(request, gettext("Đã cập nhật."))
    except ReportError as exc:
        action_error_keep(
            request, reference=reference, action=name, field=exc.field, message=exc.message
        )
    # A form on a work list (the IOC's inbox) returns to it; only a path of this site.
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
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
        action_error_keep(
            request, reference=reference, action="comment", field=exc.field, message=exc.message
        )
    return redirect("reports-web:detail", reference=reference)
