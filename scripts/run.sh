#!/usr/bin/env bash
# Serve the portal with a Celery worker (and beat for periodic tasks) beside it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
HOST="${1:-127.0.0.1}"
PORT="${2:-8000}"
.venv/bin/celery -A gis_portal worker --beat --loglevel=INFO --concurrency=2 \
  --schedule="${TMPDIR:-/tmp}/gis_portal-celerybeat-schedule" &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null || true' EXIT INT TERM
echo "Portal: http://$HOST:$PORT/  (Ctrl+C stops the portal and the worker)"
.venv/bin/python manage.py runserver "$HOST:$PORT"
