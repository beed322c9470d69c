"""A standalone HTML map report (folium) for one commune or former district, usable offline.

folium links Leaflet, jQuery and Bootstrap from CDNs by default; here only Leaflet is kept and
it is inlined from the portal's self-hosted copy, so the file opens on a machine with no network.
"""

import html
import json
import re
from pathlib import Path

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db.models import Func, Value
from django.utils import timezone

from boundaries.selectors import unit_list
from maps.errors import HtmlReportError
from maps.selectors import MapFilters, map_analysis_reports, map_with_details
from reports.models import Report

MAX_POINTS = 5000
STATUS_COLOURS = {
    "published": "#2ca02c",
    "in_progress": "#ff7f0e",
    "assigned": "#1f77b4",
    "reopened": "#d62728",
}


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


def html_report_build(*, user, unit_code: str, filters: MapFilters | None = None) -> str:
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
        raise HtmlReportError(f"Không có xã/phường hay huyện (cũ) mã {unit_code}.")
    base = filters or MapFilters()
    scoped = MapFilters(
        **{
            **base.__dict__,
            "commune": unit.code if unit.level == "commune" else None,
            "district": unit.code if unit.level == "district" else None,
        }
    )
    reports = map_analysis_reports(user=user, filters=scoped)
    total = reports.count()
    by_status = {s: 0 for s in Report.Status.values}
    for status in reports.values_list("status", flat=True).order_by():
        by_status[status] += 1
    shape = json.loads(unit.simple)
    fmap = folium.Map(tiles=None, control_scale=True)
    fmap.default_js = [("leaflet", "LEAFLET_JS")]
    fmap.default_css = [("leaflet_css", "LEAFLET_CSS")]
    folium.GeoJson(
        shape,
        name=html.escape(unit.full_name),
        style_function=lambda _f: {"color": "#8b1a1a", "weight": 2, "fillOpacity": 0.05},
    ).add_to(fmap)
    for report in map_with_details(reports).order_by("-created_at")[:MAX_POINTS]:
        label = f"{report.reference or ''} — {report.title} ({report.get_status_display()})"
        folium.CircleMarker(
            location=[report.point.y, report.point.x],
            radius=4,
            weight=1,
            color="#222",
            fill=True,
            fill_opacity=0.85,
            fill_color=STATUS_COLOURS.get(report.status, "#777"),
            tooltip=html.escape(label),
        ).add_to(fmap)
    west, south, east, north = _bounds(shape)
    fmap.fit_bounds([[south, west], [north, east]])
    rows = "".join(
        f"<tr><td>{html.escape(Report.Status(s).label)}</td><td>{n}</td></tr>"
        for s, n in by_status.items()
        if n
    )
    header = (
        f"<h1>Báo cáo phản ánh: {html.escape(unit.full_name)}</h1>"
        f"<p>Lập lúc {timezone.localtime():%d/%m/%Y %H:%M}. Tổng số: {total} phản ánh"
        f"{' (bản đồ hiển thị ' + str(MAX_POINTS) + ' mới nhất)' if total > MAX_POINTS else ''}."
        f"</p><table border=1 cellpadding=4><tr><th>Trạng thái</th><th>Số lượng</th></tr>{rows}"
        f"</table><p style='font-size:12px'>{html.escape(settings.DATA_CREDIT)}</p>"
    )
    root = fmap.get_root()
    root.header.add_child(folium.Element("<title>Báo cáo phản ánh</title>"))
    root.html.add_child(
        folium.Element(f"<div style='padding:8px;font-family:sans-serif'>{header}</div>"),
        index=0,
    )
    fmap.get_root().height = "600px"
    page = root.render()
    return _inline_assets(page)


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
