"""Heartbeats of the periodic tasks (operations.beat): a worker records each success of one of
them, beat records its start. gis_portal.celery imports this module (CELERY_IMPORTS) when the
app is configured, so the receivers are connected in Celery's processes only."""

import logging
import time

from celery.signals import beat_init, task_success

from operations.beat import beat_heartbeat_record, beat_started_record, beat_task_names

logger = logging.getLogger(__name__)


@task_success.connect
def _heartbeat_on_success(sender=None, **kwargs) -> None:
    if sender is None or sender.name not in beat_task_names():
        return
    try:
        beat_heartbeat_record(task_name=sender.name, at=time.time())
    except Exception as exc:  # noqa: BLE001 — the task did its work; only the record is lost
        logger.warning("Heartbeat of %s not recorded: %s", sender.name, exc)


@beat_init.connect
def _beat_started(**kwargs) -> None:
    try:
        beat_started_record(at=time.time())
    except Exception as exc:  # noqa: BLE001 — beat runs on; the page shows "stale" instead
        logger.warning("Beat start not recorded: %s", exc)
