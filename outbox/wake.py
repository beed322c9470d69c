"""Wake-ups of the outbox relay.

After its commit a request pushes one small Redis item instead of publishing a Celery task
(a tenth of the CPU: no message to build, no producer to acquire). In each worker a thread
waits for the item, drops the wake-ups that piled up meanwhile and sends one relay task for
all of them, so a burst of reports costs one relay, not one each. Every wake-up is pushed
after its row is committed and dropped before the task is sent, so no row is missed; a
worker's own relay loop (outbox.tasks) still delivers whatever a lost wake-up leaves.
"""

import logging
import threading

from django.conf import settings

logger = logging.getLogger(__name__)
# One pending wake-up is enough: a list that no worker reads stays one item long.
WAKE_SCRIPT = "redis.call('LPUSH', KEYS[1], '1') redis.call('LTRIM', KEYS[1], 0, 0) return 1"
WAIT_SECONDS = 2
_clients: dict[str, object] = {}


def _client(role: str, timeout: float):
    if role not in _clients:
        import redis  # noqa: PLC0415 — the broker's client, loaded by Celery anyway

        _clients[role] = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=timeout, socket_connect_timeout=2
        )
    return _clients[role]


def wake_key() -> str:
    """Per database: a worker wakes only for the outbox it relays."""
    return f"gis_portal:outbox:wake:{settings.DATABASES['default']['NAME']}"


def outbox_wake_push() -> None:
    """Raises when Redis cannot be reached; the caller logs it (the row is safe)."""
    _client("push", 2).eval(WAKE_SCRIPT, 1, wake_key())


class WorkerThread:
    """A daemon thread of a Celery worker, started and stopped with it (outbox.tasks)."""

    name = "worker-thread"
    join_seconds = 30.0

    def __init__(self):
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            return
        self.stop.clear()
        self.thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        raise NotImplementedError

    def shutdown(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=self.join_seconds)


class OutboxWaker(WorkerThread):
    """The worker's thread turning wake-ups into relay tasks."""

    name = "outbox-waker"
    join_seconds = WAIT_SECONDS + 10

    def _run(self) -> None:
        from outbox.tasks import outbox_relay_task  # noqa: PLC0415 — tasks import this module

        key = wake_key()
        client = _client("wait", WAIT_SECONDS + 5)
        while not self.stop.is_set():
            try:
                if client.blpop([key], timeout=WAIT_SECONDS) is None:
                    continue
                client.delete(key)
                outbox_relay_task.apply_async(retry=False)
            except Exception:  # noqa: BLE001 — e.g. Redis restarting; the relay loop covers it
                logger.exception("Outbox wake-up failed")
                self.stop.wait(WAIT_SECONDS)


outbox_waker = OutboxWaker()
