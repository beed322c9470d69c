"""Celery's side of gis_portal.logs: the request id travels in a message header, and workers
log like the web, with the running task's name and id. gis_portal.celery imports this module,
so its receivers are connected wherever the Celery app is (workers, beat, eager tasks), and a
web worker that never loads Celery never loads them."""

from celery.signals import (
    after_setup_logger,
    after_setup_task_logger,
    before_task_publish,
    task_postrun,
    task_prerun,
)
from django.conf import settings

from gis_portal.log_filters import RedactSecrets
from gis_portal.logs import JsonFormatter, RequestContext, request_id, task_running


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
    context.portal_task_token = task_running.set((task.name, context.id)) if context.id else None


@task_postrun.connect
def _request_id_clear(task=None, **kwargs) -> None:
    for name, variable in (
        ("portal_request_id_token", request_id),
        ("portal_task_token", task_running),
    ):
        token = getattr(task.request, name, None)
        if token is not None:
            variable.reset(token)
            setattr(task.request, name, None)


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
