"""Pages of the reports typed in for someone else: the hotline (IOC), assisted reporting
(approved volunteers), volunteer applications and their review, and claiming a report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports import policy, selectors_channels
from reports.errors import ReportError, ReportNotFound
from reports.forms_channels import (
    ClaimCodeForm,
    ClaimStartForm,
    OnBehalfForm,
    VolunteerApplyForm,
    VolunteerDecideForm,
)
from reports.models import Report, ReportClaim
from reports.services import claims, volunteers
from reports.services.onbehalf import report_draft_on_behalf, report_file_on_behalf

Channel = Report.Channel


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "reports/forbidden.html", {"message": message}, status=403)


def _field_error(form, exc: ReportError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _status(form, exc: ReportError | None = None) -> int:
    if exc is not None and 400 <= exc.status_code < 500:
        return exc.status_code
    return 400 if form.errors else 200


def _file(request: HttpRequest, form: OnBehalfForm, *, channel: str, allow_later: bool):
    data = dict(form.cleaned_data)
    files = data.pop("media")
    if allow_later and form.place_later:
        for name in ("lon", "lat", "location_source"):
            data.pop(name)
        # The form's key names the draft: the same form sent twice is one draft.
        return report_draft_on_behalf(
            actor=request.user,
            channel=channel,
            files=files,
            external_id=f"form-{data.pop('idempotency_key')}",
            **data,
        )
    return report_file_on_behalf(actor=request.user, channel=channel, files=files, **data)


def _on_behalf(request: HttpRequest, *, channel: str, template_context: dict):
    """The outcome of a filed form (a report, or a draft to place later), or the page."""
    form = OnBehalfForm(
        request.POST or None,
        request.FILES or None,
        consent_label=template_context["consent_label"],
    )
    allow_later = template_context.get("allow_later", False)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            return _file(request, form, channel=channel, allow_later=allow_later)
        except ReportError as exc:
            failure = exc
            _field_error(form, exc)
    context = {"form": form, **template_context}
    return render(request, "reports/on_behalf.html", context, status=_status(form, failure))


@login_required
def hotline(request: HttpRequest) -> HttpResponse:
    if not policy.user_may_take_calls(request.user):
        raise Http404
    result = _on_behalf(
        request,
        channel=Channel.PHONE,
        template_context={
            "heading": _("Nhận phản ánh qua đường dây nóng"),
            "who": _("Người gọi"),
            "consent_label": _("Người gọi đồng ý cho xử lý thông tin cá nhân"),
            "action": "reports-web:hotline",
            "allow_later": True,
        },
    )
    if isinstance(result, HttpResponse):
        return result
    if result.report is None:
        messages.success(
            request,
            _("Đã lưu phản ánh chờ bổ sung #%(pk)s: tìm vị trí rồi tạo phản ánh.")
            % {"pk": result.draft.pk},
        )
        return redirect(f"{reverse('reports-web:drafts')}#draft-{result.draft.pk}")
    reference = result.report.reference
    messages.success(
        request,
        _("Đã tạo phản ánh %(reference)s. Hãy đọc mã này cho người gọi.")
        % {"reference": reference},
    )
    return redirect("reports-web:detail", reference=reference)


@login_required
def assisted(request: HttpRequest) -> HttpResponse:
    if not policy.user_may_assist(request.user):
        return _forbidden(
            request, _("Chỉ tình nguyện viên đã được IOC duyệt mới gửi hộ người dân.")
        )
    result = _on_behalf(
        request,
        channel=Channel.ASSISTED,
        template_context={
            "heading": _("Gửi hộ người dân"),
            "who": _("Người dân"),
            "consent_label": _("Người dân có mặt đồng ý cho xử lý thông tin cá nhân"),
            "action": "reports-web:assisted",
        },
    )
    if isinstance(result, HttpResponse):
        return result
    messages.success(
        request,
        _(
            "Đã gửi phản ánh %(reference)s. Hãy đưa mã này cho người dân: họ có thể nhận lại "
            "phản ánh bằng số điện thoại của mình."
        )
        % {"reference": result.report.reference},
    )
    return redirect("reports-web:volunteer-filed")


@login_required
def volunteer_filed(request: HttpRequest) -> HttpResponse:
    if not policy.user_may_assist(request.user):
        return _forbidden(request, _("Chỉ tình nguyện viên đã được IOC duyệt."))
    reports = selectors_channels.report_list_filed_for_others(user=request.user)
    page = Paginator(reports, 20).get_page(request.GET.get("page"))
    return render(request, "reports/volunteer_filed.html", {"page": page})


@login_required
def volunteer_apply(request: HttpRequest) -> HttpResponse:
    user = request.user
    may_apply = policy.user_may_apply_as_volunteer(user)
    if not may_apply and not policy.user_is_volunteer(user):
        return _forbidden(request, _("Chỉ tài khoản người dân mới đăng ký làm tình nguyện viên."))
    form = VolunteerApplyForm(request.POST or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            volunteers.volunteer_apply(user=user, **form.cleaned_data)
        except ReportError as exc:
            failure = exc
            _field_error(form, exc)
        else:
            messages.success(request, _("Đã gửi đăng ký; IOC sẽ xét duyệt."))
            return redirect("reports-web:volunteer-apply")
    context = {
        "form": form if may_apply else None,
        "applications": selectors_channels.volunteer_application_list(user=user),
    }
    return render(request, "reports/volunteer_apply.html", context, status=_status(form, failure))


@login_required
def volunteer_review(request: HttpRequest) -> HttpResponse:
    if not policy.user_may_decide_volunteers(request.user):
        raise Http404
    applications = selectors_channels.volunteer_application_list(user=request.user)
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    return render(request, "reports/volunteer_review.html", {"page": page})


@login_required
@require_POST
def volunteer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not policy.user_may_decide_volunteers(request.user):
        raise Http404
    try:
        application = selectors_channels.volunteer_application_get(user=request.user, pk=pk)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    form = VolunteerDecideForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        return _review_error(request, pk, field, errors[0], 400)
    try:
        volunteers.volunteer_decide(
            actor=request.user,
            application=application,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except ReportError as exc:
        return _review_error(request, pk, exc.field, exc.message, exc.status_code)
    messages.success(request, _("Đã ghi quyết định."))
    return redirect("reports-web:volunteer-review")


def _review_error(request, pk: int, field: str, message: str, status: int) -> HttpResponse:
    applications = selectors_channels.volunteer_application_list(user=request.user)
    page = Paginator(applications, 30).get_page(request.GET.get("page"))
    context = {"page": page, "error": {"pk": pk, "field": field, "message": message}}
    return render(request, "reports/volunteer_review.html", context, status=status)


@login_required
def claim_start(request: HttpRequest) -> HttpResponse:
    form = ClaimStartForm(request.POST or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.claim_start(user=request.user, **form.cleaned_data)
        except ReportError as exc:
            failure = exc
            _field_error(form, exc)
        else:
            return redirect("reports-web:claim-code", pk=claim.pk)
    return render(request, "reports/claim.html", {"form": form}, status=_status(form, failure))


@login_required
def claim_code(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        claim = claims.claim_get(user=request.user, claim_id=pk)
    except ReportNotFound as exc:
        raise Http404(exc.message) from exc
    form = ClaimCodeForm(request.POST or None)
    failure = None
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.claim_confirm(user=request.user, claim_id=pk, **form.cleaned_data)
        except ReportError as exc:
            failure = exc
            _field_error(form, exc)
            claim.refresh_from_db()
        else:
            messages.success(
                request,
                _("Phản ánh %(reference)s đã thuộc tài khoản của bạn.")
                % {"reference": claim.report.reference},
            )
            return redirect("reports-web:my-reports")
    context = {"form": form, "claim": claim, "State": ReportClaim.State}
    return render(request, "reports/claim_code.html", context, status=_status(form, failure))
