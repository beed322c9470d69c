"""Errors raised by services and selectors; the API and web layers map them to HTTP codes."""


class ReportError(Exception):
    status_code = 400

    def __init__(self, message: str, field: str = "non_field_errors"):
        # Rendered now, in the language of the request that raised it (a lazy text would
        # otherwise follow whatever language is active when something reads it).
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field


class ReportInvalid(ReportError):
    """Bad input: 400 with the field and the reason."""


class ReportLocationInvalid(ReportError):
    """A valid point outside the served area: 422."""

    status_code = 422


class ReportForbidden(ReportError):
    """The user can see the report but may not do this: 403."""

    status_code = 403


class ReportNotFound(ReportError):
    """The report does not exist or lies outside the user's scope: 404."""

    status_code = 404


class ReportStateConflict(ReportError):
    """The action does not apply to the report's current status: 409."""

    status_code = 409


class ReportThrottled(ReportError):
    """Asked too often (e.g. codes texted for one report): 429."""

    status_code = 429
