"""gunicorn settings of the portal (systemd: deploy/systemd/gis_portal-web.service; `make prod`
passes the same file, with its own socket and log paths on the command line)."""

import json
import logging
import multiprocessing
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from gunicorn.glogging import Logger

wsgi_app = "gis_portal.wsgi:application"
# nginx (deploy/nginx/gis_portal.conf) is the only client; systemd's RuntimeDirectory makes
# /run/gis_portal, owned by the service user and nginx's group (umask: no one else).
bind = "unix:/run/gis_portal/gunicorn.sock"
umask = 0o007

# Requests wait on PostgreSQL more than on the CPU: the usual 2 x cores + 1 sync workers;
# GUNICORN_WORKERS overrides (each worker holds the whole app, ~150 MB).
workers = int(os.environ.get("GUNICORN_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request still running after this long is killed and logged; nginx waits a little longer.
timeout = 60
graceful_timeout = 30
keepalive = 5
# Workers are replaced after this many requests (jittered, so not all at once): a slow leak
# in a library never grows without bound. A new worker costs ~2 s of CPU (bench/load_bench.py
# measured it): at 1,000 that was 2-3 ms on every request, at 10,000 a tenth of it.
max_requests = 10000
max_requests_jitter = 1000
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"

# The path without the query string (%(U)s, not %(r)s): an Open311 api_key sent there by
# mistake is never written down. No Referer either, for the same reason. With LOG_FORMAT=json
# (the default here, as in settings.production) PortalLogger below writes JSON lines instead.
accesslog = "/var/log/gis_portal/gunicorn-access.log"
errorlog = "/var/log/gis_portal/gunicorn-error.log"
access_log_format = (
    '%({x-forwarded-for}i)s %(l)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s %({x-request-id}o)s'
)
loglevel = "info"
# Django's own log lines (stderr) go to errorlog, JSON lines too (settings.LOG_FORMAT).
capture_output = True
proc_name = "gis_portal"
JSON_LOGS = os.environ.get("LOG_FORMAT", "json") == "json"


def _utc(at: float) -> str:
    # The same shape as the portal's own JSON lines (gis_portal/logs.py).
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class PortalLogger(Logger):
    """JSON access lines: the same fields as the text format, the request id the portal sent
    back (nginx's $request_id, or its own), never the query string nor a user name."""

    def setup(self, cfg):
        super().setup(cfg)
        if JSON_LOGS:
            for handler in self.error_log.handlers:
                handler.setFormatter(_JsonLines())

    def access(self, resp, req, environ, request_time):
        if not JSON_LOGS:
            return super().access(resp, req, environ, request_time)
        if not self.access_log_enabled:
            return None
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": _utc(datetime.now(UTC).timestamp()),
            "remote": atoms.get("{x-forwarded-for}i") or atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "protocol": atoms["H"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_seconds": float(atoms["L"]),
            "request_id": atoms.get("{x-request-id}o"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))
        return None


logger_class = PortalLogger


# --- request metrics of all workers (prometheus_client's multiprocess mode) -----------------
# Each worker writes its counts into PROMETHEUS_MULTIPROC_DIR and /metrics sums them
# (operations/prometheus_files.py). Unset, the master makes a fresh folder in memory (beside
# the workers' heartbeat files) and removes it when it stops; either way it is emptied at start.
# The variable is set here, before any worker imports prometheus_client, which reads it once.
_OWN_METRICS_DIR: list[str] = []


def _fold_module():
    root = str(Path(__file__).resolve().parent.parent)
    if root not in sys.path:
        sys.path.insert(0, root)
    from operations import prometheus_files

    return prometheus_files


def on_starting(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        path = tempfile.mkdtemp(prefix="gis_portal-metrics-", dir=server.cfg.worker_tmp_dir)
        _OWN_METRICS_DIR.append(path)
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    _fold_module().multiproc_dir_reset(path)


def child_exit(server, worker):
    _fold_module().process_files_fold(worker.pid, os.environ["PROMETHEUS_MULTIPROC_DIR"])


def on_exit(server):
    for path in _OWN_METRICS_DIR:
        shutil.rmtree(path, ignore_errors=True)
