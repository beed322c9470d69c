"""The citizen's area-alert page and the unsubscribe link of alert e-mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from alerts.forms import AlertForm
from alerts.models import AreaAlert
from alerts.selectors import alert_list
from alerts.services import (
    AlertError,
    alert_create,
    alert_delete,
    alert_for_token,
    alert_unsubscribe,
)

Kind = AreaAlert.Kind


def _initial(request: HttpRequest) -> dict:
    """A link from a report's commune (?xa=), a former district (?huyen=) or the map (?lat=
    &lon=) opens the form with that area chosen."""
    query = request.GET
    if query.get("xa"):
        return {"kind": Kind.COMMUNE, "commune": query["xa"]}
    if query.get("huyen"):
        return {"kind": Kind.DISTRICT, "district": query["huyen"]}
    if query.get("lat") and query.get("lon"):
        return {"kind": Kind.CIRCLE, "lat": query["lat"], "lon": query["lon"]}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def alerts_page(request: HttpRequest) -> HttpResponse:
    form = AlertForm(request.POST or None, initial=_initial(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                alert_create(user=request.user, **form.service_arguments())
            except AlertError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("Đã lưu theo dõi khu vực."))
                return redirect("alerts:page")
        else:
            status = 400
    context = {"form": form, "alerts": alert_list(user=request.user)}
    return render(request, "alerts/page.html", context, status=status)


@login_required
@require_POST
def alert_delete_view(request: HttpRequest, alert_id: int) -> HttpResponse:
    if not alert_delete(user=request.user, alert_id=alert_id):
        raise Http404(_("Không tìm thấy theo dõi này."))
    messages.success(request, _("Đã xóa theo dõi khu vực."))
    return redirect("alerts:page")


# The signed link is the proof, and mail clients' one-click unsubscribe (RFC 8058) POSTs
# without a session or CSRF token. GET only shows the button: link scanners must not unsubscribe.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        alert, done = alert_for_token(token=token), False
    else:
        alert, done = alert_unsubscribe(token=token), True
    if alert is None:
        raise Http404(_("Liên kết hủy theo dõi không hợp lệ hoặc khu vực đã bị xóa."))
    return render(request, "alerts/unsubscribe.html", {"done": done, "alert": alert})
