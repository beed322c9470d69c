"""gunicorn settings of the portal (systemd: deploy/systemd/gis_portal-web.service; `make prod`
passes the same file, with its own socket and log paths on the command line)."""

import multiprocessing
import os

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
# in a library never grows without bound.
max_requests = 1000
max_requests_jitter = 100
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"

# The path without the query string (%(U)s, not %(r)s): an Open311 api_key sent there by
# mistake is never written down. No Referer either, for the same reason.
accesslog = "/var/log/gis_portal/gunicorn-access.log"
errorlog = "/var/log/gis_portal/gunicorn-error.log"
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
loglevel = "info"
capture_output = True
proc_name = "gis_portal"
