"""The checks of the staff health page (/trang-thai/, operations/views.py): what /healthz checks
(the database, Redis) and what a load balancer need not know: free disk for media, the outbox
backlog and its dead letters, the last success of each periodic task, the workers answering.

Each check is ok, warning (the portal serves, something needs a look) or error (a part of the
portal does not work); the page answers 503 when any is an error. A check that cannot run
because another failed says so instead of waiting on it."""

import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext as _

from gis_portal.health import database_ok, redis_url_ok
from operations.beat import beat_tasks_status
from outbox.selectors import outbox_backlog

OK, WARNING, ERROR = "ok", "warning", "error"
_RANK = {OK: 0, WARNING: 1, ERROR: 2}


@dataclass(frozen=True)
class Check:
    name: str
    title: str
    status: str
    summary: str
    details: dict = field(default_factory=dict)


def _iso(at: float | None) -> str | None:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="seconds") if at else None


def check_database() -> Check:
    title = _("Cơ sở dữ liệu (PostgreSQL)")
    if database_ok():
        return Check("database", title, OK, _("Trả lời bình thường."))
    return Check("database", title, ERROR, _("Không kết nối được."))


def check_redis(name: str, title: str, url: str) -> Check:
    if redis_url_ok(url):
        return Check(name, title, OK, _("Trả lời bình thường."))
    return Check(name, title, ERROR, _("Không kết nối được."))


def check_media_disk() -> Check:
    title = _("Dung lượng đĩa cho ảnh, video")
    storage = storages["default"]
    if not isinstance(storage, FileSystemStorage):
        return Check("media_disk", title, OK, _("Tệp lưu trên kho đối tượng: không dùng đĩa này."))
    path = Path(storage.location)
    while not path.exists() and path != path.parent:
        path = path.parent  # the folder is made at the first upload
    usage = shutil.disk_usage(path)
    free_percent = round(100 * usage.free / usage.total, 1)
    minimum = settings.HEALTH_MEDIA_MIN_FREE_PERCENT
    status = ERROR if free_percent < minimum else WARNING if free_percent < 2 * minimum else OK
    summary = _("Còn trống %(free).1f GB (%(percent)s%%); ngưỡng tối thiểu %(minimum)s%%.") % {
        "free": usage.free / 1e9,
        "percent": free_percent,
        "minimum": minimum,
    }
    details = {
        "path": str(path),
        "free_bytes": usage.free,
        "total_bytes": usage.total,
        "free_percent": free_percent,
        "min_free_percent": minimum,
    }
    return Check("media_disk", title, status, summary, details)


def check_outbox() -> Check:
    title = _("Hàng đợi gửi sau (outbox)")
    backlog = outbox_backlog()
    pending = backlog["by_state"].get("pending", 0)
    dead = backlog["by_state"].get("dead", 0)
    oldest = round(backlog["oldest_pending_seconds"])
    late = oldest > settings.HEALTH_OUTBOX_MAX_AGE_SECONDS
    summary = _("%(pending)d việc chờ gửi, lâu nhất %(oldest)d giây; %(dead)d việc lỗi.") % {
        "pending": pending,
        "oldest": oldest,
        "dead": dead,
    }
    details = {
        "pending": pending,
        "oldest_pending_seconds": oldest,
        "max_age_seconds": settings.HEALTH_OUTBOX_MAX_AGE_SECONDS,
        "dead": dead,
    }
    return Check("outbox", title, WARNING if late or dead else OK, summary, details)


def check_beat(*, now: float) -> Check:
    title = _("Tác vụ định kỳ (Celery beat)")
    tasks = beat_tasks_status(now=now)
    stale = [task.entry for task in tasks if task.state == "stale"]
    summary = (
        _("Quá hạn (quá 2 lần chu kỳ chưa chạy xong): %(names)s.") % {"names": ", ".join(stale)}
        if stale
        else _("Mọi tác vụ chạy đúng chu kỳ.")
    )
    rows = [
        {
            "entry": task.entry,
            "task": task.task,
            "period_seconds": task.period_seconds,
            "last_success": _iso(task.last_success),
            "age_seconds": round(now - task.last_success) if task.last_success else None,
            "state": task.state,
        }
        for task in tasks
    ]
    return Check("beat", title, WARNING if stale else OK, summary, {"tasks": rows})


def check_workers(*, app=None) -> Check:
    """Every worker on the broker answers a broadcast ping; this waits the whole timeout."""
    if app is None:  # Celery loads in a web worker only for this page
        from gis_portal.celery import app
    title = _("Celery worker")
    timeout = settings.HEALTH_CELERY_PING_SECONDS
    replies = app.control.ping(timeout=timeout) or []
    names = sorted(name for reply in replies for name in reply)
    if not names:
        summary = _("Không worker nào trả lời trong %(timeout)s giây.") % {"timeout": timeout}
        return Check("workers", title, ERROR, summary, {"workers": []})
    summary = _("%(count)d worker trả lời.") % {"count": len(names)}
    return Check("workers", title, OK, summary, {"workers": names})


def _skipped(name: str, title: str, reason: str) -> Check:
    return Check(name, title, ERROR, reason)


def health_checks() -> list[Check]:
    database = check_database()
    broker = check_redis("redis_broker", _("Redis (hàng đợi Celery)"), settings.CELERY_BROKER_URL)
    cache_url = settings.CACHES["default"]["LOCATION"]
    cache = check_redis("redis_cache", _("Redis (bộ nhớ đệm)"), cache_url)
    checks = [database, broker, cache, check_media_disk()]
    no_database = _("Không kiểm tra được: cơ sở dữ liệu không trả lời.")
    checks.append(
        check_outbox()
        if database.status == OK
        else _skipped("outbox", _("Hàng đợi gửi sau (outbox)"), no_database)
    )
    checks.append(
        check_beat(now=time.time())
        if cache.status == OK
        else _skipped("beat", _("Tác vụ định kỳ (Celery beat)"), _("Không đọc được bộ nhớ đệm."))
    )
    checks.append(
        check_workers()
        if broker.status == OK
        else _skipped("workers", _("Celery worker"), _("Không hỏi được: Redis không trả lời."))
    )
    return checks


def health_overall(checks: list[Check]) -> str:
    return max((check.status for check in checks), key=_RANK.__getitem__, default=OK)
