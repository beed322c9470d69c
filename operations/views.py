"""The staff health page: every check of operations/health.py, as a page or as JSON."""

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from operations.health import ERROR, health_checks, health_overall
from reports.policy import user_is_staff


@never_cache
@require_safe
@login_required
def health_detail(request: HttpRequest) -> HttpResponse:
    if not user_is_staff(request.user):
        raise Http404
    checks = health_checks()
    overall = health_overall(checks)
    status = 503 if overall == ERROR else 200
    wants_json = request.GET.get("format") == "json" or (
        request.get_preferred_type(["text/html", "application/json"]) == "application/json"
    )
    if wants_json:
        body = {"status": overall, "checks": {check.name: asdict(check) for check in checks}}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    context = {"checks": checks, "overall": overall}
    return render(request, "operations/health.html", context, status=status)
