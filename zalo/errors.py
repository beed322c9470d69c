"""Errors of the Zalo channel, in the portal's domain-error shape (gis_portal/api_errors.py)."""


class ZaloError(Exception):
    status_code = 400

    def __init__(self, message: str, field: str = "non_field_errors"):
        super().__init__(message)
        self.message = message
        self.field = field


class ZaloEventInvalid(ZaloError):
    """The body is not a Zalo event we can read: 400 naming the field."""


class ZaloSignatureMissing(ZaloError):
    status_code = 401


class ZaloSignatureInvalid(ZaloError):
    """Wrong MAC, another app's event, or a timestamp outside the window: 403."""

    status_code = 403


class ZaloEventTooLarge(ZaloError):
    status_code = 413


class ZaloApiError(Exception):
    """Zalo's API did not take a call (non-2xx, error code ≠ 0, timeout): the outbox retries."""


class ZaloMediaRefused(Exception):
    """A photo that will not be fetched or kept (host not allowed, too large, not an image)."""
