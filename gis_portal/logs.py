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

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The running Celery task's (name, id), set by gis_portal.task_logs in Celery's processes: a
# web worker never imports Celery.
task_running: ContextVar[tuple[str, str] | None] = ContextVar("task_running", default=None)
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
        task = task_running.get()
        if task is not None:
            entry["task"], entry["task_id"] = task
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
