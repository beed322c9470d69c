"""Server-rendered SVG of the page's charts (stats.visuals): no JavaScript, nothing loaded from
elsewhere. Each is an image with its title and description (role="img", aria-labelledby);
series differ by pattern as well as colour, and bars and communes carry their numbers as text.
Every text is escaped (the output is well-formed XML).
"""

from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from stats.visuals import CLASSES, Chart

FONT = 'font-family="sans-serif" font-size="12" fill="#212121"'
# (key, colour, pattern): colours at least 3:1 against white; patterns tell them apart
# without colour.
STATUS_SERIES = (
    ("resolved", "#2e7d32", None),
    ("open", "#1565c0", "stripes"),
    ("rejected", "#6d4c41", "dots"),
    ("merged", "#616161", "cross"),
)
RATING_SERIES = (
    ("satisfied", "#2e7d32", None),
    ("acceptable", "#9a6700", "stripes"),
    ("unsatisfied", "#c62828", "cross"),
)
# Sequential blues, lightest for "no report"; the outlines are drawn dark so that every
# commune stands out from the page whatever its class.
CLASS_COLOURS = ("#ffffff", "#c6dbef", "#6baed6", "#2171b5", "#08306b")
PATTERNS = {
    "stripes": '<path d="M0,6 L6,0" stroke="#fff" stroke-width="1.5"/>',
    "dots": '<circle cx="3" cy="3" r="1.2" fill="#fff"/>',
    "cross": '<path d="M0,3 H6 M3,0 V6" stroke="#fff" stroke-width="1.2"/>',
}


def number(value) -> str:
    return "—" if value is None else str(localize(value))


def _open(chart: Chart, width: float, height: float) -> list[str]:
    ident = f"chart-{chart.name}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" id="{ident}" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'aria-labelledby="{ident}-title {ident}-desc">'
        f'<title id="{ident}-title">{escape(chart.title)}</title>'
        f'<desc id="{ident}-desc">{escape(chart.description)}</desc>'
    ]


def _defs(prefix: str, series) -> str:
    parts = ["<defs>"]
    for key, colour, pattern in series:
        if pattern:
            parts.append(
                f'<pattern id="{prefix}-{key}" width="6" height="6" '
                f'patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{colour}"/>'
                f"{PATTERNS[pattern]}</pattern>"
            )
    parts.append("</defs>")
    return "".join(parts)


def _fill(prefix: str, key: str, colour: str, pattern: str | None) -> str:
    return f"url(#{prefix}-{key})" if pattern else colour


def _legend(prefix: str, series, labels: dict, x: float, y: float, step: float) -> list[str]:
    parts = []
    for index, (key, colour, pattern) in enumerate(series):
        left = x + index * step
        parts.append(
            f'<rect x="{left:g}" y="{y:g}" width="14" height="14" stroke="#212121" '
            f'stroke-width="0.5" fill="{_fill(prefix, key, colour, pattern)}"/>'
            f'<text x="{left + 19:g}" y="{y + 11:g}" {FONT}>{escape(labels[key])}</text>'
        )
    return parts


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def month_bars(chart: Chart) -> SafeString:
    """Stacked columns per month: resolved, open, rejected, merged; the total above each."""
    labels = dict(chart.columns)
    rows = chart.rows
    step, bar, top, plot = 52, 34, 24, 180
    width, height = max(340, 50 + step * len(rows)), top + plot + 70
    peak = max((row["received"] for row in rows), default=0) or 1
    parts = [*_open(chart, width, height), _defs("m", STATUS_SERIES)]
    base = top + plot
    parts.append(f'<line x1="40" y1="{base}" x2="{width - 6}" y2="{base}" stroke="#212121"/>')
    for index, row in enumerate(rows):
        x = 46 + index * step
        y = base
        for key, colour, pattern in STATUS_SERIES:
            value = row.get(key) or 0
            size = plot * value / peak
            if size:
                y -= size
                parts.append(
                    f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{size:.1f}" '
                    f'fill="{_fill("m", key, colour, pattern)}">'
                    f"<title>{escape(row['code'])}, {escape(labels[key])}: {value}</title></rect>"
                )
        parts.append(
            f'<text x="{x + bar / 2}" y="{y - 4:.1f}" text-anchor="middle" {FONT}>'
            f"{number(row['received'])}</text>"
            f'<text x="{x + bar / 2}" y="{base + 15}" text-anchor="middle" {FONT}>'
            f"{escape(row['code'][5:])}/{escape(row['code'][2:4])}</text>"
        )
    parts += _legend("m", STATUS_SERIES, labels, 40, base + 32, 125)
    return _close(parts)


def on_time_bars(chart: Chart) -> SafeString:
    """A column per month of the on-time share (%), its value written above it."""
    rows = chart.rows
    step, bar, top, plot = 52, 34, 24, 160
    width, height = max(340, 60 + step * len(rows)), top + plot + 30
    parts = _open(chart, width, height)
    base = top + plot
    for share in (0, 50, 100):
        y = base - plot * share / 100
        parts.append(
            f'<line x1="50" y1="{y:g}" x2="{width - 6}" y2="{y:g}" stroke="#757575" '
            f'stroke-dasharray="{"none" if share == 0 else "3,3"}"/>'
            f'<text x="46" y="{y + 4:g}" text-anchor="end" {FONT}>{share} %</text>'
        )
    for index, row in enumerate(rows):
        x = 56 + index * step
        share = row["on_time_pct"]
        size = plot * (share or 0) / 100
        if size:
            parts.append(
                f'<rect x="{x}" y="{base - size:.1f}" width="{bar}" height="{size:.1f}" '
                f'fill="#2e7d32"><title>{escape(row["code"])}: {number(share)} %</title></rect>'
            )
        parts.append(
            f'<text x="{x + bar / 2}" y="{base - size - 4:.1f}" text-anchor="middle" {FONT}>'
            f"{number(share)}</text>"
            f'<text x="{x + bar / 2}" y="{base + 15}" text-anchor="middle" {FONT}>'
            f"{escape(row['code'][5:])}/{escape(row['code'][2:4])}</text>"
        )
    return _close(parts)


def satisfaction_bar(chart: Chart) -> SafeString:
    """One bar split by rating; each part's count and share written below it."""
    width, height, left, length = 620, 110, 10, 600
    parts = [*_open(chart, width, height), _defs("s", RATING_SERIES)]
    rated = chart.extra["rated"]
    x = left
    by_key = {row["code"]: row for row in chart.rows}
    if not rated:
        parts.append(
            f'<rect x="{left}" y="10" width="{length}" height="30" fill="#fff" stroke="#757575"/>'
            f'<text x="{left + 8}" y="30" {FONT}>{escape(_("Chưa có đánh giá."))}</text>'
        )
    for key, colour, pattern in RATING_SERIES:
        row = by_key[key]
        size = length * row["count"] / rated if rated else 0
        if size:
            parts.append(
                f'<rect x="{x:.1f}" y="10" width="{size:.1f}" height="30" '
                f'fill="{_fill("s", key, colour, pattern)}"><title>{escape(row["name"])}: '
                f"{row['count']}</title></rect>"
            )
        x += size
    for index, (key, colour, pattern) in enumerate(RATING_SERIES):
        row = by_key[key]
        column = left + index * 205
        parts.append(
            f'<rect x="{column}" y="56" width="14" height="14" stroke="#212121" '
            f'stroke-width="0.5" fill="{_fill("s", key, colour, pattern)}"/>'
            f'<text x="{column + 19}" y="67" {FONT}>{escape(row["name"])}</text>'
            f'<text x="{column + 19}" y="86" {FONT}>{number(row["count"])} '
            f"({number(row['pct'])} %)</text>"
        )
    return _close(parts)


def choropleth(chart: Chart) -> SafeString:
    """The communes coloured by class, each with its number of reports written on it."""
    outlines = chart.extra["outlines"]
    legend = 30 + 20 * CLASSES
    width, height = outlines.width + 10, outlines.height + 10 + legend
    parts = _open(chart, width, height)
    by_code = {row["code"]: row for row in chart.rows}
    parts.append('<g transform="translate(5,5)" stroke="#263238" stroke-width="0.8">')
    for unit in outlines.communes:
        row = by_code[unit.code]
        parts.append(
            f'<path d="{escape(unit.path)}" fill="{CLASS_COLOURS[row["class"] - 1]}">'
            f"<title>{escape(unit.name)}: {number(row['received'])} "
            f"({number(row['per_10km2'])} / 10 km²)</title></path>"
        )
    parts.append("</g>")
    for unit in outlines.communes:
        row = by_code[unit.code]
        dark = row["class"] >= 4
        parts.append(
            f'<text x="{unit.label_x + 5:g}" y="{unit.label_y + 9:g}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="11" fill="{"#fff" if dark else "#212121"}">'
            f"{number(row['received'])}</text>"
        )
    top = outlines.height + 20
    for index, text in enumerate(legend_labels(chart.extra["breaks"])):
        y = top + index * 20
        parts.append(
            f'<rect x="10" y="{y:g}" width="16" height="14" stroke="#263238" '
            f'fill="{CLASS_COLOURS[index]}"/>'
            f'<text x="32" y="{y + 11:g}" {FONT}>{escape(text)}</text>'
        )
    return _close(parts)


def legend_labels(breaks: list[float]) -> list[str]:
    """What each class holds, in reports per 10 km²."""
    labels = [_("Không có phản ánh")]
    low = 0
    for bound in breaks:
        labels.append(f"> {number(low)} – {number(bound)} " + _("phản ánh / 10 km²"))
        low = bound
    return labels


RENDERERS = {
    "months": month_bars,
    "on-time": on_time_bars,
    "satisfaction": satisfaction_bar,
    "communes": choropleth,
}
