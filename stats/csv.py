"""CSV export that spreadsheets cannot execute."""

import csv
import io

from rest_framework.renderers import BaseRenderer

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_render(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return out.getvalue()


class StatsCSVRenderer(BaseRenderer):
    """Renders the `rows` of a stats answer; the view names the columns."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not isinstance(data, dict) or "rows" not in data:
            rows, columns = [data] if isinstance(data, dict) else [], ["error", "field"]
        else:
            rows, columns = data["rows"], data["columns"]
        # A byte-order mark so spreadsheet software reads Vietnamese text as UTF-8.
        return ("\ufeff" + csv_render(rows, columns)).encode("utf-8")
