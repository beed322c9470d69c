"""The citizen's own pages beside the report: notifications, and sending a rejected report
again from a pre-filled form."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reports import policy, selectors
from reports.services.notifications import notification_mark_read

PAGE_SIZE = 30


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read, then go to its report (or back to the list)."""
    notification_mark_read(user=request.user, notification_id=pk)
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("reports-web:notifications")


def resubmit_initial(*, user, reference: str | None) -> dict:
    """What the form starts from when the reporter sends a rejected report again: its text,
    category and place; nothing for anyone else's report or one that was not rejected."""
    if not reference:
        return {}
    earlier = (
        policy.reports_resubmittable(user=user)
        .select_related("category")
        .filter(reference=reference)
        .first()
    )
    if earlier is None:
        return {}
    return {
        "category": earlier.category,
        "title": earlier.title,
        "description": earlier.description,
        "lon": round(earlier.point.x, 6),
        "lat": round(earlier.point.y, 6),
    }
