"""Map pages (Vietnamese). The data comes from the API views; pages only pass URLs and choices."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from boundaries.selectors import LocateError, commune_locate, unit_list, units_extent
from reports import policy
from reports.models import Report
from reports.selectors_officers import agency_area_bounds
from routing_rules.models import Category


def _context(**extra) -> dict:
    return {
        "data_credit": settings.DATA_CREDIT,
        "base_tile_url": settings.MAP_TILE_URL,
        "categories": Category.objects.filter(is_active=True).order_by("sort_order", "name"),
        "status_labels": dict(Report.Status.choices),
        **extra,
    }


def public_map(request: HttpRequest) -> HttpResponse:
    tiles = reverse("maps-public-tiles", args=[0, 0, 0]).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    communes = unit_list(level="commune").select_related(None)
    # The map opens on the communes' extent, the view it used to jump to once their outlines had
    # arrived: on a phone that jump redrew every layer and asked for the point tiles again.
    box = units_extent(units=communes)
    context = _context(
        communes=communes.only("code", "full_name"),
        districts=unit_list(level="district").select_related(None).only("code", "full_name"),
        statuses=[(s, Report.Status(s).label) for s in policy.PUBLIC_STATUSES],
        tile_template=tiles,
        max_features=settings.MAPS_GEOJSON_MAX_FEATURES,
        area_bounds=",".join(f"{v:.6f}" for v in box) if box else "",
    )
    return render(request, "maps/public.html", context)


@login_required
def officer_map(request: HttpRequest) -> HttpResponse:
    if not policy.user_is_officer(request.user):
        raise Http404(_("Chỉ cán bộ cơ quan xử lý có bản đồ hàng đợi."))
    statuses = [(s, Report.Status(s).label) for s in policy.OPEN_STATUSES]
    # The map opens on the agency's own area; an agency of no particular area sees the province.
    bounds = agency_area_bounds(agency=request.user.agency)
    context = _context(
        agency=request.user.agency,
        statuses=statuses,
        hide_period=True,
        area_bounds=",".join(f"{v:.6f}" for v in bounds) if bounds else "",
    )
    return render(request, "maps/officer.html", context)


@login_required
def planner_map(request: HttpRequest) -> HttpResponse:
    if not policy.user_is_analyst(request.user):
        raise Http404(_("Chỉ cán bộ phân tích, giám sát, IOC có bản đồ phân tích."))
    districts = unit_list(level="district").select_related(None).only("code", "full_name")
    communes = unit_list(level="commune").select_related(None).only("code", "full_name")
    context = _context(
        districts=districts,
        report_units=[*districts, *communes],
    )
    return render(request, "maps/planner.html", context)


def report_here(request: HttpRequest) -> HttpResponse:
    """The report form with the dropped pin filled in, once the pin is known to be served."""
    from reports.forms import ReportForm
    from reports.web_views import submit

    if request.method == "POST":
        return submit(request)
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
    except (KeyError, ValueError):
        messages.error(request, _("Hãy chọn vị trí sự việc trên bản đồ."))
        return redirect("maps-public")
    try:
        commune_locate(lon=lon, lat=lat)
    except LocateError as exc:
        messages.error(request, exc.message)
        return redirect("maps-public")
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user = request.user
    initial = {
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "location_source": Report.LocationSource.PIN,
    }
    from reports.web_views import HOTLINES

    return render(
        request, "reports/submit.html", {"form": ReportForm(initial=initial), "hotlines": HOTLINES}
    )
