"""Small inline SVG bar charts (no JavaScript, nothing loaded from elsewhere)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 230
CHART_WIDTH = 420


def stacked_bars(
    rows: list[dict], *, series: list[tuple[str, str, str]], title: str, limit: int = 25
) -> SafeString:
    """One horizontal bar per row, split into series: (key, label, colour)."""
    rows = rows[:limit]
    peak = max((sum(row.get(key) or 0 for key, _, _ in series) for row in rows), default=0)
    scale = CHART_WIDTH / peak if peak else 0
    height = len(rows) * (BAR_HEIGHT + GAP) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'width="{LABEL_WIDTH + CHART_WIDTH + 60}" height="{height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + GAP)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12">'
            f"{escape(str(row.get('name') or '—')[:40])}</text>"
        )
        x = LABEL_WIDTH
        total = 0
        for key, label, colour in series:
            value = row.get(key) or 0
            total += value
            width = value * scale
            if width:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
                )
            x += width
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 13}" font-size="12">{total}</text>')
    legend_y = len(rows) * (BAR_HEIGHT + GAP) + 16
    x = LABEL_WIDTH
    for _, label, colour in series:
        parts.append(
            f'<rect x="{x}" y="{legend_y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{legend_y + 11}" font-size="12">{escape(label)}</text>'
        )
        x += 20 + 7 * len(label)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
