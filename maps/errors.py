"""Maps' domain errors. gis_portal.api_errors turns them into {"error": message, "field": field}
with their status code; management commands show the reason alone."""

from django.utils.translation import gettext as _


def thousands(n: int) -> str:
    """12.345: the Vietnamese thousands separator."""
    return f"{n:,}".replace(",", ".")


class MapError(ValueError):
    status_code = 400
    field = "non_field_errors"
    # The map endpoints have always answered "<field>: <reason>" for these errors.
    field_in_message = False

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return f"{self.field}: {self.reason}" if self.field_in_message else self.reason


class TileError(MapError):
    """Tile coordinates outside the slippy-map grid."""

    field = "z/x/y"


class HtmlReportError(MapError):
    """No commune or former district with that code."""

    field = "unit"
    field_in_message = True


class ExportFormatError(MapError):
    """An export format the portal does not produce: the URL names nothing."""

    status_code = 404
    field = "fmt"
    field_in_message = True


class ExportTooLarge(MapError):
    """More reports than the user's export limit: refused before the file is built."""

    status_code = 413
    field = "non_field_errors"
    # The filters that make an export smaller, for clients to show or narrow.
    NARROWING = ("date_from", "date_to", "commune", "district", "category", "status", "bbox")

    def __init__(self, *, count: int, limit: int):
        super().__init__(
            _(
                "Bản xuất có %(count)s phản ánh, vượt giới hạn %(limit)s phản ánh "
                "mỗi lần xuất. Hãy thu hẹp bộ lọc: khoảng thời gian (date_from, date_to), "
                "xã/phường (commune), huyện cũ (district), lĩnh vực (category), trạng thái "
                "(status) hoặc vùng bản đồ (bbox)."
            )
            % {"count": thousands(count), "limit": thousands(limit)}
        )
        self.extra = {"count": count, "limit": limit, "narrow": list(self.NARROWING)}


class GridTooFine(MapError):
    """A hexagon size that would put too many cells over the area asked for."""

    field = "cell"
    field_in_message = True


# The filters that narrow an analysis layer, for clients to show.
ANALYSIS_NARROWING = ("cell", "bbox", "date_from", "date_to", "commune", "district", "category")


class AnalysisTimeout(MapError):
    """An analysis request ran past its PostgreSQL statement budget: cancelled by the server,
    its transaction rolled back. Load-dependent, so a 503 with Retry-After, not a 4xx."""

    status_code = 503
    RETRY_SECONDS = 10

    def __init__(self, *, budget_ms: int):
        super().__init__(
            _(
                "Phân tích vượt quá thời gian cho phép (%(budget)s ms) và đã được dừng. "
                "Hãy dùng ô lớn hơn (cell), thu hẹp vùng bản đồ (bbox), khoảng thời gian "
                "(date_from, date_to) hoặc đơn vị (commune, district), hoặc thử lại sau ít phút."
            )
            % {"budget": thousands(budget_ms)}
        )
        self.extra = {"budget_ms": budget_ms, "narrow": list(ANALYSIS_NARROWING)}
        self.headers = {"Retry-After": str(self.RETRY_SECONDS)}


class AnalysisTooBroad(MapError):
    """A layer the cell cache cannot answer would be computed over more reports than the
    live limit: refused before it runs, naming the filter that needs the live path."""

    field_in_message = True

    def __init__(self, *, field: str, limit: int, by_category: bool = True):
        self.field = field
        summary = (
            _("không lọc, hoặc chỉ lọc theo lĩnh vực (category),")
            if by_category
            else _("không lọc,")
        )
        super().__init__(
            _(
                "với bộ lọc này lớp phân tích phải tính trực tiếp trên hơn %(limit)s phản "
                "ánh, vượt giới hạn. Hãy thu hẹp vùng bản đồ (bbox), khoảng thời gian "
                "(date_from, date_to) hoặc đơn vị (commune, district); %(summary)s thì lớp đọc "
                "bảng tổng hợp và không bị giới hạn này."
            )
            % {"limit": thousands(limit), "summary": summary}
        )
        self.extra = {"limit": limit, "narrow": list(ANALYSIS_NARROWING)}


class AnalysisSummaryStale(MapError):
    """An unfiltered layer with no fresh cell cache (the refresh task stopped): over every
    report it would take far longer than the budget, so it is not computed live."""

    status_code = 503
    RETRY_SECONDS = 60

    def __init__(self):
        super().__init__(
            _(
                "Bảng tổng hợp bản đồ chưa được cập nhật nên chưa vẽ được lớp phân tích trên toàn "
                "bộ phản ánh. Hãy thử lại sau ít phút, hoặc thu hẹp vùng bản đồ (bbox), khoảng "
                "thời gian (date_from, date_to) hay đơn vị (commune, district)."
            )
        )
        self.extra = {"narrow": list(ANALYSIS_NARROWING)}
        self.headers = {"Retry-After": str(self.RETRY_SECONDS)}
