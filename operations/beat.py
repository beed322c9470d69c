"""When each periodic task (CELERY_BEAT_SCHEDULE) last succeeded, for the staff health page.

A worker records a heartbeat in the cache (Redis, shared by every node) each time one of those
tasks succeeds, and beat records when it started. A task is stale once its last success is
older than twice its period: beat stopped, no worker takes its queue, or the task keeps
failing. A cache flush forgets the heartbeats; the next runs write them again."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache

HEARTBEAT_KEY = "operations:beat-heartbeat:{}"
BEAT_STARTED_KEY = "operations:beat-started"


@dataclass(frozen=True)
class BeatTask:
    entry: str
    task: str
    period_seconds: float | None
    last_success: float | None  # a UNIX time
    state: str  # ok | waiting | stale | unknown


def _period_seconds(schedule) -> float | None:
    if isinstance(schedule, int | float):
        return float(schedule)
    if isinstance(schedule, timedelta):
        return schedule.total_seconds()
    run_every = getattr(schedule, "run_every", None)  # celery.schedules.schedule
    return run_every.total_seconds() if isinstance(run_every, timedelta) else None


def beat_task_names() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


def beat_heartbeat_record(*, task_name: str, at: float) -> None:
    cache.set(HEARTBEAT_KEY.format(task_name), at, timeout=None)


def beat_started_record(*, at: float) -> None:
    cache.set(BEAT_STARTED_KEY, at, timeout=None)


def beat_tasks_status(*, now: float) -> list[BeatTask]:
    """One row per schedule entry; two cache reads in all."""
    schedule = settings.CELERY_BEAT_SCHEDULE
    keys = {HEARTBEAT_KEY.format(entry["task"]) for entry in schedule.values()}
    found = cache.get_many([*keys, BEAT_STARTED_KEY])
    started = found.get(BEAT_STARTED_KEY)
    rows = []
    for name, entry in schedule.items():
        period = _period_seconds(entry["schedule"])
        last = found.get(HEARTBEAT_KEY.format(entry["task"]))
        if period is None:
            state = "unknown"
        elif last is not None:
            state = "ok" if now - last <= 2 * period else "stale"
        elif started is not None and now - started <= 2 * period:
            state = "waiting"  # beat started lately; the first run is one period away
        else:
            state = "stale"
        rows.append(BeatTask(name, entry["task"], period, last, state))
    return rows
