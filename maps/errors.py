"""Maps' domain errors. gis_portal.api_errors turns them into {"error": message, "field": field}
with their status code; management commands show the reason alone."""


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
            f"Bản xuất có {thousands(count)} phản ánh, vượt giới hạn {thousands(limit)} phản ánh "
            "mỗi lần xuất. Hãy thu hẹp bộ lọc: khoảng thời gian (date_from, date_to), xã/phường "
            "(commune), huyện cũ (district), lĩnh vực (category), trạng thái (status) hoặc vùng "
            "bản đồ (bbox)."
        )
        self.extra = {"count": count, "limit": limit, "narrow": list(self.NARROWING)}


class GridTooFine(MapError):
    """A hexagon size that would put too many cells over the area asked for."""

    field = "cell"
    field_in_message = True
