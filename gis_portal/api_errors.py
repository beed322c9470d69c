"""The one DRF exception handler of the portal.

Domain errors are plain exceptions that carry an HTTP `status_code`, a `message` in the user's
language and the `field` it concerns (reports.errors, boundaries.selectors.LocateError, the maps
and Open311 errors all do); DRF's own errors (validation, authentication, 404) are folded into
the same shape. A view that speaks another protocol (Open311) sets `error_body` to shape the
body its clients expect; everything else answers {"error": …, "field": …}.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

ErrorBody = Callable[[int, str, str, dict], object]

logger = logging.getLogger(__name__)
# A restarted or failed-over PostgreSQL is back within seconds; a client retrying the same
# Idempotency-Key then gets the report its first try filed, or files it.
DATABASE_RETRY_SECONDS = 5
DATABASE_UNAVAILABLE_MESSAGE = gettext_lazy(
    "Hệ thống tạm thời không truy cập được cơ sở dữ liệu. Hãy thử lại sau ít giây."
)


def default_error_body(code: int, message: str, field: str, extra: dict) -> dict:
    return {"error": message, "field": field, **extra}


def _first_validation_error(detail) -> tuple[str, str]:
    """The first field and message of a (possibly nested) DRF validation error."""
    field = "non_field_errors"
    while isinstance(detail, dict | list) and detail:
        if isinstance(detail, dict):
            key, detail = next(iter(detail.items()))
            if not isinstance(key, int) and not str(key).isdigit():
                field = str(key)
        else:
            detail = detail[0]
    return field, str(detail)


def _domain_error(exc: Exception) -> tuple[int, str, str, dict, dict] | None:
    code = getattr(exc, "status_code", None)
    if isinstance(exc, exceptions.APIException) or not isinstance(code, int):
        return None
    message = getattr(exc, "message", None) or str(exc)
    field = getattr(exc, "field", None) or "non_field_errors"
    return code, message, field, dict(getattr(exc, "extra", {}) or {}), getattr(exc, "headers", {})


def _framework_error(exc: Exception) -> tuple[int, str, str, dict, dict] | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Không tìm thấy."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_validation_error(exc.detail)
        return status.HTTP_400_BAD_REQUEST, f"{field}: {message}", field, {}, headers
    detail = exc.detail
    message = str(detail if not isinstance(detail, dict | list) else exc.default_detail)
    return exc.status_code, message, "non_field_errors", {}, headers


def _database_unavailable(exc: Exception) -> tuple[int, str, str, dict, dict] | None:
    """The database is unreachable (down, restarting, connection lost): a 503 asking to retry,
    not a 500. The request's transaction rolled back, or (connection lost while committing)
    committed, which a retry with the same Idempotency-Key answers with the filed report."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    logger.warning("Database unavailable: %s", exc)
    headers = {"Retry-After": str(DATABASE_RETRY_SECONDS)}
    return 503, DATABASE_UNAVAILABLE_MESSAGE, "non_field_errors", {}, headers


def exception_handler(exc: Exception, context: dict) -> Response | None:
    mapped = _domain_error(exc) or _framework_error(exc) or _database_unavailable(exc)
    if mapped is None:
        return None  # a bug: let Django answer 500 and log it
    code, message, field, extra, headers = mapped
    view = context.get("view")
    body: ErrorBody = getattr(view, "error_body", None) or default_error_body
    set_rollback()
    return Response(body(code, message, field, extra), status=code, headers=headers)
