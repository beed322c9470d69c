"""A standalone HTML map report (folium) for one commune or former district, usable offline.

folium links Leaflet, jQuery and Bootstrap from CDNs by default; here only Leaflet is kept and
it is inlined from the portal's self-hosted copy, so the file opens on a machine with no network.

Report titles are citizen text and the file is opened by planners and the IOC: no report text
goes through folium's templates (they paste popups and tooltips into JavaScript template
literals). The pins are drawn by a fixed script from a JSON data block, inserting text with
textContent, and the page carries a Content-Security-Policy that allows only its own scripts.
"""

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Count, Func, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from boundaries.selectors import unit_list
from maps.errors import HtmlReportError
from maps.page_safety import (
    header_csp,
    json_data_block,
    normalise_newlines,
    page_csp,
    with_csp_meta,
)
from maps.selectors import MapFilters, map_analysis_reports
from reports.models import Report

MAX_POINTS = 5000
STATUS_COLOURS = {
    "published": "#2ca02c",
    "in_progress": "#ff7f0e",
    "assigned": "#1f77b4",
    "reopened": "#d62728",
}
MARKER_STYLE = {
    "radius": 4,
    "weight": 1,
    "color": "#222",
    "fill": True,
    "fillOpacity": 0.85,
    "className": "report-marker",
}


def _popup_fields() -> list[dict]:
    """The popup's rows, labelled in the language of the request or command."""
    return [
        {"key": "reference", "label": _("Mã")},
        {"key": "status", "label": _("Trạng thái")},
        {"key": "category", "label": _("Lĩnh vực")},
        {"key": "created", "label": _("Ngày gửi")},
    ]


PAGE_STYLE = """<style>
.report-header { padding: 8px; font-family: sans-serif; }
.report-credit { font-size: 12px; }
.report-popup .report-title { display: block; margin-bottom: 4px; overflow-wrap: anywhere; }
</style>"""
POINTS_JS = Path(__file__).parent / "templates" / "maps" / "html_report_points.js"
# folium elements are jinja templates: text goes in after rendering, in place of these, and
# after the policy is computed over the page's own code.
HEADER_PLACEHOLDER = "<!-- report header -->"
DATA_PLACEHOLDER = "<!-- report points -->"
_JS_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class HtmlReport:
    page: str
    csp: str  # as in the page's <meta>; `header_csp` for the HTTP response

    @property
    def header_csp(self) -> str:
        return header_csp(self.csp)


def _add_points_script(fmap) -> None:
    """The fixed pin-drawing script, after the map's own script and bound to its map."""
    from branca.element import MacroElement
    from folium.template import Template

    name = fmap.get_name()
    if not _JS_NAME.match(name):
        raise ValueError(f"Unexpected folium map name {name!r}.")
    element = MacroElement()
    # The code is a template *value*, so jinja never interprets it.
    element._template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")
    element.code = POINTS_JS.read_text(encoding="utf-8").rstrip() + f"({name});\n"
    fmap.add_child(element)


def _leaflet_dir() -> Path:
    return Path(settings.BASE_DIR) / "gis_portal" / "static" / "vendor" / "leaflet"


def _inline_assets(page: str) -> str:
    folder = _leaflet_dir()
    js = (folder / "leaflet.js").read_text(encoding="utf-8")
    # Leaflet's CSS refers to marker images; circle markers and polygons need none of them.
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"url\([^)]*\)", "none", css)
    script = "<script>" + js.replace("</script", "<\\/script") + "</script>"
    page = page.replace('<script src="LEAFLET_JS"></script>', script)
    style = "<style>" + css + "</style>"
    return re.sub(r'<link rel="stylesheet" href="LEAFLET_CSS"\s*/?>', lambda _m: style, page)


def html_report_build(*, user, unit_code: str, filters: MapFilters | None = None) -> HtmlReport:
    import folium

    unit = (
        unit_list()
        .filter(code=unit_code, level__in=("commune", "district"))
        .annotate(
            simple=AsGeoJSON(
                Func(
                    "geom",
                    Value(0.0003),
                    function="ST_SimplifyPreserveTopology",
                    output_field=GeometryField(srid=4326),
                ),
                precision=5,
            )
        )
        .first()
    )
    if unit is None:
        raise HtmlReportError(
            _("Không có xã/phường hay huyện (cũ) mã %(code)s.") % {"code": unit_code}
        )
    base = filters or MapFilters()
    scoped = MapFilters(
        **{
            **base.__dict__,
            "commune": unit.code if unit.level == "commune" else None,
            "district": unit.code if unit.level == "district" else None,
        }
    )
    reports = map_analysis_reports(user=user, filters=scoped)
    by_status = {s: 0 for s in Report.Status.values}
    for row in reports.order_by().values("status").annotate(n=Count("id")):
        by_status[row["status"]] = row["n"]
    total = sum(by_status.values())
    shape = json.loads(unit.simple)
    fmap = folium.Map(tiles=None, control_scale=True)
    fmap.default_js = [("leaflet", "LEAFLET_JS")]
    fmap.default_css = [("leaflet_css", "LEAFLET_CSS")]
    folium.GeoJson(
        shape,
        name=html.escape(unit.full_name),
        style_function=lambda _f: {"color": "#8b1a1a", "weight": 2, "fillOpacity": 0.05},
    ).add_to(fmap)
    points = [
        {
            "lat": round(report.point.y, 6),
            "lon": round(report.point.x, 6),
            "reference": report.reference or "",
            "title": report.title,
            "status": report.get_status_display(),
            "category": report.category.name if report.category_id else "",
            "created": f"{timezone.localtime(report.created_at):%d/%m/%Y}",
            "colour": STATUS_COLOURS.get(report.status, "#777"),
        }
        for report in reports.select_related("category").order_by("-created_at")[:MAX_POINTS]
    ]
    _add_points_script(fmap)
    west, south, east, north = _bounds(shape)
    fmap.fit_bounds([[south, west], [north, east]])
    rows = "".join(
        f"<tr><td>{html.escape(Report.Status(s).label)}</td><td>{n}</td></tr>"
        for s, n in by_status.items()
        if n
    )
    values = {"made": f"{timezone.localtime():%d/%m/%Y %H:%M}", "total": total, "shown": MAX_POINTS}
    if total > MAX_POINTS:
        summary = (
            _("Lập lúc %(made)s. Tổng số: %(total)s phản ánh (bản đồ hiển thị %(shown)s mới nhất).")
            % values
        )
    else:
        summary = _("Lập lúc %(made)s. Tổng số: %(total)s phản ánh.") % values
    title = _("Báo cáo phản ánh: %(unit)s") % {"unit": unit.full_name}
    status_head, count_head = html.escape(_("Trạng thái")), html.escape(_("Số lượng"))
    header = (
        f"<h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p>"
        f"<table border=1 cellpadding=4><tr><th>{status_head}</th>"
        f"<th>{count_head}</th></tr>{rows}"
        f"</table><p class='report-credit'>{html.escape(settings.DATA_CREDIT)}</p>"
    )
    root = fmap.get_root()
    page_title = html.escape(_("Báo cáo phản ánh"))
    root.header.add_child(folium.Element(f"<title>{page_title}</title>"))
    root.header.add_child(folium.Element(PAGE_STYLE))
    root.html.add_child(folium.Element(HEADER_PLACEHOLDER + DATA_PLACEHOLDER), index=0)
    root.height = "600px"
    page = normalise_newlines(_inline_assets(root.render()))
    csp = page_csp(page)
    data = json_data_block(
        {"points": points, "fields": _popup_fields(), "style": MARKER_STYLE},
        element_id="report-points",
    )
    page = with_csp_meta(page, csp)
    for placeholder, text in (
        (HEADER_PLACEHOLDER, f"<div class='report-header'>{header}</div>"),
        (DATA_PLACEHOLDER, data),
    ):
        if page.count(placeholder) != 1:
            raise ValueError(f"The report page lost its placeholder {placeholder}.")
        page = page.replace(placeholder, text)
    return HtmlReport(page=page, csp=csp)


def _bounds(geojson: dict) -> tuple[float, float, float, float]:
    coords: list = []

    def walk(node):
        if isinstance(node, (int, float)):
            return
        if node and isinstance(node[0], (int, float)):
            coords.append(node)
            return
        for child in node:
            walk(child)

    walk(geojson["coordinates"])
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    return min(xs), min(ys), max(xs), max(ys)
