"""Log lines an operator can follow: each request gets an id (nginx's $request_id, else a new
one), sent back in X-Request-ID and written on every log line of that request, and on the lines
of the Celery tasks it enqueued. LOG_FORMAT=json writes one JSON object per line.

The JSON formatter writes a fixed set of fields, never a record's extras: Django attaches the
request object to its error records, whose text carries the query string (an api_key) and
whose attributes carry the session and the user."""

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime

from celery import current_task
from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    before_task_publish,
    task_postrun,
    task_prerun,
)
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from gis_portal.log_filters import RedactSecrets

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
REQUEST_ID_HEADER = "X-Request-ID"
# nginx's $request_id is 32 hex digits; a UUID or a load balancer's id of this shape is kept,
# anything else (too long, spaces, quotes) is replaced: it is written into every log line.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


class RequestContext(logging.Filter):
    """Puts the current request id on every record (for the text format's %(request_id)s)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        task = current_task
        if task and task.request.id:
            entry["task"] = task.name
            entry["task_id"] = task.request.id
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            entry["status"] = status
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def portal_formatter() -> logging.Formatter:
    """The console handler's formatter, as settings.LOG_FORMAT says (LOGGING in base.py)."""
    if settings.LOG_FORMAT == "json":
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


class RequestIdMiddleware:
    """First in MIDDLEWARE: every log line of the request, the other middleware's and Django's
    own 4xx/5xx lines included, carries the id until the response is closed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sent = request.headers.get(REQUEST_ID_HEADER, "")
        value = sent if SANE_REQUEST_ID.fullmatch(sent) else uuid.uuid4().hex
        request_id.set(value)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = value
        return response


@receiver(request_finished)
def _request_id_end(**kwargs) -> None:
    # Not in the middleware: Django logs a 4xx or 5xx after the middleware returned.
    request_id.set(None)


# --- Celery: the id travels in a message header; workers log like the web -------------------


@before_task_publish.connect
def _request_id_to_header(headers=None, **kwargs) -> None:
    value = request_id.get()
    if value and headers is not None:
        headers.setdefault("request_id", value)


@task_prerun.connect
def _request_id_from_header(task=None, **kwargs) -> None:
    context = task.request
    value = getattr(context, "request_id", None) or (context.headers or {}).get("request_id")
    # An eager task runs inside the request: it keeps the request's id.
    if value or not context.is_eager:
        context.portal_request_id_token = request_id.set(value)


@task_postrun.connect
def _request_id_clear(task=None, **kwargs) -> None:
    token = getattr(task.request, "portal_request_id_token", None)
    if token is not None:
        request_id.reset(token)
        task.request.portal_request_id_token = None


@after_setup_logger.connect
@after_setup_task_logger.connect
def _worker_handlers(logger=None, **kwargs) -> None:
    """Celery sets up its worker's own handlers (its --logfile): they get the same filters
    and, with LOG_FORMAT=json, the same format as the web's."""
    for handler in logger.handlers:
        handler.addFilter(RedactSecrets())
        handler.addFilter(RequestContext())
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(JsonFormatter())
