"""The rows of the page's tables as HTML, written here rather than by the template engine
(a few thousand cells: most of the page's time when the template loops over them). Every value
is localised and escaped as a template variable would be."""

from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FIGURE_CELLS = (
    "received",
    "hidden",
    "rejected",
    "merged",
    "resolved",
    "resolved_on_time",
    "resolved_with_extension",
    "resolved_late",
    "median_working_days",
    "overdue_now",
    "satisfied",
    "acceptable",
    "unsatisfied",
    "disputed",
)
NONE = "—"


def _cell(value) -> str:
    if value is None:
        return NONE
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        # What localize() answers for an integer without grouping, at a fraction of its cost.
        return str(value)
    return conditional_escape(localize(value))


def _three(value) -> str:
    return NONE if value is None else conditional_escape(floatformat(value, 3))


def figure_rows(rows: list[dict]) -> SafeString:
    """<tr> per row of a grouping: name and counts (a dash for no median)."""
    if not rows:
        return format_html('<tr><td colspan="15">{}</td></tr>', _("Chưa có số liệu."))
    html = []
    for row in rows:
        cells = "".join(f"<td>{_cell(row[key])}</td>" for key in FIGURE_CELLS)
        html.append(f'<tr><td class="name">{_cell(row["name"])}</td>{cells}</tr>')
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped


def ranking_rows(rows: list[dict]) -> SafeString:
    """<tr> per agency of the ranking."""
    if not rows:
        return format_html('<tr><td colspan="8">{}</td></tr>', _("Chưa có số liệu."))
    html = []
    for row in rows:
        flags = "; ".join(conditional_escape(flag) for flag in row["flags"])
        html.append(
            f"<tr><td>{_cell(row['rank'] or NONE)}</td>"
            f'<td class="name">{_cell(row["name"])}</td>'
            f"<td>{_cell(row['score'])}</td><td>{_three(row['timeliness'])}</td>"
            f"<td>{_three(row['satisfaction'])}</td><td>{_cell(row['cases'])}</td>"
            f'<td>{_cell(row["rated"])}</td><td class="flag">{flags}</td></tr>'
        )
    return mark_safe("\n".join(html))  # noqa: S308 - every value above is escaped
