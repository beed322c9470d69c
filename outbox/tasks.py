"""The relay task, the worker's own relay loop (needs no broker) and its waker (outbox.wake)."""

import logging

from celery.signals import worker_init, worker_shutdown
from django.conf import settings
from django.db import close_old_connections, connection

from gis_portal.celery import app
from outbox.wake import WorkerThread, outbox_waker

logger = logging.getLogger(__name__)


@app.task(ignore_result=True)
def outbox_relay_task() -> dict:
    from outbox.services import outbox_relay

    return outbox_relay().__dict__


class _RelayLoop(WorkerThread):
    """Relays the outbox when the worker starts and every OUTBOX_RELAY_SECONDS, straight
    from the database: it needs no broker, so pending work is delivered after any outage."""

    name = "outbox-relay"

    def _run(self) -> None:
        from outbox.services import outbox_relay

        while True:
            try:
                close_old_connections()
                outbox_relay()
            except Exception:  # noqa: BLE001 — e.g. the database restarting; try again later
                logger.exception("Outbox relay round failed")
            if self.stop.wait(settings.OUTBOX_RELAY_SECONDS):
                break
        connection.close()


relay_loop = _RelayLoop()


@worker_init.connect
def _relay_on_worker_start(**kwargs) -> None:
    outbox_waker.start()  # the requests' wake-ups become relay tasks (outbox.wake)
    if settings.OUTBOX_RELAY_IN_WORKER:
        relay_loop.start()


@worker_shutdown.connect
def _relay_on_worker_stop(**kwargs) -> None:
    outbox_waker.shutdown()
    relay_loop.shutdown()
