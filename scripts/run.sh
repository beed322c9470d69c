#!/usr/bin/env bash
# Serve the portal with a Celery worker (and beat for periodic tasks) beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOST="${1:-127.0.0.1}"
PORT="${2:-8000}"
# The worker's and server's entry points default to production settings (which refuse to start
# without real secrets); `make run` is the development server, so it says local unless told.
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-gis_portal.settings.local}"
# Open311 clients send their key as the X-Api-Key header; an api_key left in a query string is
# masked in the request log (gis_portal/log_filters.py). Serving with gunicorn instead, keep
# its access log off or use a format without the query string (%(U)s, not %(r)s or %(q)s).
if [ -n "${DEMO:-}" ] && [ "${DEMO}" != "0" ]; then
  # Prints one account per role with a fresh password (refused under production settings).
  .venv/bin/python manage.py demo_load --count "${DEMO_REPORTS:-3000}"
fi
.venv/bin/celery -A gis_portal worker --beat --loglevel=INFO --concurrency=2 \
  --schedule="${TMPDIR:-/tmp}/gis_portal-celerybeat-schedule" &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT INT TERM
echo "Portal: http://$HOST:$PORT/  (Ctrl+C stops the portal and the worker)"
.venv/bin/python manage.py runserver "$HOST:$PORT"
