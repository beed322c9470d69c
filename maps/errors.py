"""Maps' domain errors. gis_portal.api_errors turns them into {"error": message, "field": field}
with their status code; management commands show the reason alone."""


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
