"""The requests' wake-ups of the relay (outbox.wake), on the real Redis: a burst of them is
one item, and a worker's waker turns it into one relay task."""

import threading
import time

import pytest
from celery.signals import task_prerun

from outbox import wake
from outbox.tasks import outbox_relay_task


@pytest.fixture
def key():
    client = wake._client("push", 2)
    client.delete(wake.wake_key())
    yield wake.wake_key()
    client.delete(wake.wake_key())


def test_a_burst_of_wake_ups_waits_as_one_item(key):
    for _ in range(50):
        wake.outbox_wake_push()
    assert wake._client("push", 2).llen(key) == 1


@pytest.mark.django_db(transaction=True, available_apps=["outbox"])
def test_the_waker_sends_one_relay_task_for_a_burst(key):
    relays = []
    done = threading.Event()

    def seen(sender=None, **kwargs):
        if getattr(sender, "name", None) == outbox_relay_task.name:
            relays.append(time.monotonic())
            done.set()

    task_prerun.connect(seen, weak=False)
    waker = wake.OutboxWaker()
    try:
        for _ in range(20):
            wake.outbox_wake_push()
        waker.start()
        assert done.wait(10), "no relay task was sent"
        time.sleep(wake.WAIT_SECONDS + 0.5)  # one more wait: nothing is left to wake it
        assert len(relays) == 1
        assert wake._client("push", 2).llen(key) == 0
    finally:
        waker.shutdown()
        task_prerun.disconnect(seen)
