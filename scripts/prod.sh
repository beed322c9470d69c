#!/usr/bin/env bash
# The production stack of deploy/ on this machine, without systemd (`make prod`, `make prod-stop`):
# nginx with deploy/nginx/gis_portal.conf (HTTPS on 127.0.0.1:8443, HTTP on 127.0.0.1:8080
# redirecting), gunicorn with deploy/gunicorn.conf.py, a Celery worker and beat, each started
# as its unit in deploy/systemd would start it, all in the background.
# Usage: scripts/prod.sh start | stop | manage <manage.py arguments>
# Everything it writes is under var/prod/ (PROD_STATE_DIR): the env file with its random
# secrets, a self-signed certificate, static files, media, sockets, pid files and logs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
STATE="${PROD_STATE_DIR:-$ROOT/var/prod}"
BIND="${PROD_BIND:-127.0.0.1}"
HTTPS_PORT="${PROD_HTTPS_PORT:-8443}"
HTTP_PORT="${PROD_HTTP_PORT:-8080}"
RUN="$STATE/run"
LOGS="$STATE/log"
ENV_FILE="$STATE/env"
PY="$ROOT/.venv/bin/python"

log() { printf '\033[1;32m[prod]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[prod]\033[0m %s\n' "$*" >&2; exit 1; }

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# --- the env file (/etc/gis_portal/env on a server: deploy/env.example) ---------------------
write_env() {
  [ -f "$ENV_FILE" ] && return
  log "writing $ENV_FILE with new random secrets"
  local secret db_password
  secret="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
  db_password="$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
  (
    umask 077
    cat >"$ENV_FILE" <<EOF
# Written once by scripts/prod.sh for \`make prod\`; delete it for new secrets. The same
# variables as deploy/env.example (/etc/gis_portal/env on a server).
DJANGO_SETTINGS_MODULE=gis_portal.settings.production
DJANGO_SECRET_KEY=$secret
DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
DB_NAME=gis_portal_prod
DB_USER=gis_portal_prod
DB_PASSWORD=$db_password
DB_HOST=127.0.0.1
DB_PORT=5432
# Redis databases of their own: a \`make run\` worker (database 0) must not take this stack's
# tasks, nor share its request-limit counters.
REDIS_URL=redis://127.0.0.1:6379/4
CACHE_REDIS_URL=redis://127.0.0.1:6379/5
CACHE_KEY_PREFIX=gis_portal_prod
DJANGO_MEDIA_ROOT=$STATE/media
MEDIA_ACCEL_REDIRECT_PREFIX=/protected-media/
DJANGO_STATIC_ROOT=$STATE/static
# No mail server here: e-mails are written to the worker's log.
DJANGO_EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend
GUNICORN_WORKERS=2
EOF
  )
}

load_env() {
  set -a
  # shellcheck disable=SC1090
  . "$ENV_FILE"
  set +a
  [[ "$DB_USER" =~ ^[a-z_][a-z0-9_]*$ && "$DB_PASSWORD" =~ ^[A-Za-z0-9_-]+$ ]] \
    || die "$ENV_FILE: DB_USER or DB_PASSWORD has characters this script does not quote"
}

# The role keeps the password it was created with: give it the env file's (which may be new).
sync_role_password() {
  pg_isready -q -h "$DB_HOST" -p "$DB_PORT" 2>/dev/null || return 0
  local psql=(psql -p "$DB_PORT" -v ON_ERROR_STOP=1 -qtA)
  [ "$(as_postgres "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" = 1 ] \
    || return 0
  # Through stdin, so the password never shows in the process list.
  printf "ALTER ROLE \"%s\" PASSWORD '%s';\n" "$DB_USER" "$DB_PASSWORD" | as_postgres "${psql[@]}"
}

# Packages (nginx too), PostgreSQL, Redis, .venv; then the prod database: role, PostGIS,
# migrations, boundaries and routing data, all as scripts/setup.sh does for `make run`.
prepare_system() {
  # Boundaries and routing data once, and again only when data/routing changed (each load is
  # idempotent, but every manage.py start costs seconds).
  local stamp="$STATE/.data-loaded" flags=(--nginx)
  if [ -f "$stamp" ] && [ -z "$(find data/routing -newer "$stamp" -print -quit)" ]; then
    flags+=(--no-boundaries)
  fi
  sync_role_password
  if ! bash scripts/setup.sh "${flags[@]}"; then
    # The env file was new while PostgreSQL was stopped: now it runs, the password can be set.
    sync_role_password
    bash scripts/setup.sh "${flags[@]}"
  fi
  touch "$stamp"
}

self_signed_certificate() {
  [ -f "$STATE/tls/cert.pem" ] && return
  log "generating a self-signed certificate for localhost and 127.0.0.1"
  mkdir -p "$STATE/tls"
  openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment" \
    -keyout "$STATE/tls/key.pem" -out "$STATE/tls/cert.pem" 2>/dev/null
  chmod 600 "$STATE/tls/key.pem"
}

# deploy/nginx as it is, but for the paths, ports, names and certificate of this machine. Each
# replaced text must be found, so a change to the site file cannot silently escape the test.
render_nginx() {
  local nginx="$STATE/nginx"
  mkdir -p "$nginx/snippets" "$nginx/tmp"
  cp deploy/nginx/gis_portal-security-headers.conf "$nginx/snippets/"
  rm -f "$nginx/snippets/gis_portal-brotli.conf"
  if [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
    cp deploy/nginx/gis_portal-brotli.conf "$nginx/snippets/"
  fi
  STATE="$STATE" BIND="$BIND" HTTPS_PORT="$HTTPS_PORT" HTTP_PORT="$HTTP_PORT" "$PY" - \
    deploy/nginx/gis_portal.conf "$nginx/gis_portal.conf" <<'PYEOF'
import os, sys
env = os.environ
state, https, http, bind = env["STATE"], env["HTTPS_PORT"], env["HTTP_PORT"], env["BIND"]
text = open(sys.argv[1]).read()
for old, new in [
    ("    listen [::]:80;\n", ""),
    ("    listen [::]:443 ssl http2;\n", ""),
    ("listen 80;", f"listen {bind}:{http};"),
    ("listen 443 ssl http2;", f"listen {bind}:{https} ssl http2;"),
    ("server_name portal.example.org;", "server_name localhost 127.0.0.1;"),
    ("https://$host$request_uri", f"https://$host:{https}$request_uri"),
    ("/etc/letsencrypt/live/portal.example.org/fullchain.pem", f"{state}/tls/cert.pem"),
    ("/etc/letsencrypt/live/portal.example.org/privkey.pem", f"{state}/tls/key.pem"),
    ("/run/gis_portal/", f"{state}/run/"),
    ("/srv/gis_portal/static_collected/", f"{state}/static/"),
    ("/var/lib/gis_portal/media/", f"{state}/media/"),
    ("/var/log/nginx/gis_portal.", f"{state}/log/nginx-"),
    ("/etc/nginx/snippets/", f"{state}/nginx/snippets/"),
    ("/var/www/letsencrypt", f"{state}/acme"),
]:
    if old not in text:
        sys.exit(f"prod.sh: {old!r} is no longer in {sys.argv[1]}: update render_nginx")
    text = text.replace(old, new)
open(sys.argv[2], "w").write(text)
PYEOF
  # On a server Debian's /etc/nginx/nginx.conf is this main context; here it keeps pid, logs
  # and temporary files in var/prod. Workers run as the caller (root too: the stack listens on
  # loopback only, and the checkout and media need not be readable by www-data).
  local user_line=""
  [ "$(id -u)" -eq 0 ] && user_line="user root;"
  cat >"$nginx/nginx.conf" <<EOF
# Written by scripts/prod.sh; the site is deploy/nginx/gis_portal.conf ($nginx/gis_portal.conf).
$user_line
worker_processes 2;
pid $RUN/nginx.pid;
error_log $LOGS/nginx-error.log;
include /etc/nginx/modules-enabled/*.conf;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    client_body_temp_path $nginx/tmp/body;
    proxy_temp_path $nginx/tmp/proxy;
    fastcgi_temp_path $nginx/tmp/fastcgi;
    uwsgi_temp_path $nginx/tmp/uwsgi;
    scgi_temp_path $nginx/tmp/scgi;
    include $nginx/gis_portal.conf;
}
EOF
}

# Hashing every file takes a while on 2 cores: only when a source (the apps', or an installed
# package's after .venv changed) or the storage is newer than the manifest.
collect_static() {
  local manifest="$STATE/static/staticfiles.json"
  if [ -f "$manifest" ] && [ -z "$(find "$ROOT"/*/static "$ROOT"/.venv/.installed-* \
      "$ROOT/gis_portal/staticfiles.py" -newer "$manifest" -print -quit 2>/dev/null)" ]; then
    return
  fi
  log "collecting static files (hashed names)"
  "$PY" manage.py collectstatic --noinput -v 0
}

# Alive and still ours: a pid left in a file since a reboot may now be another program's.
pid_alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$(cat "$1")/cmdline" 2>/dev/null | grep -qF "$STATE/"
}

# A daemon that stopped says why in its log: show its end, here and in a test's failure.
all_alive() {
  local name
  for name in gunicorn worker beat nginx; do
    if ! pid_alive "$RUN/$name.pid"; then
      log "$name is not running; the end of its log:"
      tail -n 40 "$LOGS/$(daemon_log "$name")" 2>/dev/null >&2 || true
      return 1
    fi
  done
}

daemon_log() {
  case "$1" in
    gunicorn) echo gunicorn-error.log ;;
    worker) echo worker-1.log ;;
    beat) echo beat.log ;;
    nginx) echo nginx-error.log ;;
  esac
}

wait_healthy() {
  local url="https://$BIND:$HTTPS_PORT/healthz"
  for _ in $(seq 1 60); do
    if "$PY" - "$url" "$STATE/tls/cert.pem" <<'PYEOF' 2>/dev/null; then
import ssl, sys, urllib.request
context = ssl.create_default_context(cafile=sys.argv[2])
with urllib.request.urlopen(sys.argv[1], context=context, timeout=3) as response:
    sys.exit(0 if response.status == 200 else 1)
PYEOF
      # The web side answers; the worker and beat must have outlived their start too.
      sleep 2
      all_alive
      return
    fi
    all_alive || return 1
    sleep 1
  done
  log "$url did not answer 200 within 60 s"
  return 1
}

# The daemons return before they write their pid files: wait for each, so that a failure
# further on can stop everything started so far.
pid_written() {
  for _ in $(seq 1 300); do [ -s "$RUN/$1.pid" ] && return 0; sleep 0.1; done
  log "$1 wrote no pid file"
  return 1
}

# Each as its unit in deploy/systemd starts it. Called in a condition, so no `set -e`: every
# step says itself when it failed.
start_daemons() {
  .venv/bin/gunicorn --config deploy/gunicorn.conf.py --daemon --pid "$RUN/gunicorn.pid" \
    --bind "unix:$RUN/gunicorn.sock" \
    --access-logfile "$LOGS/gunicorn-access.log" --error-logfile "$LOGS/gunicorn-error.log" \
    && pid_written gunicorn || return 1
  .venv/bin/celery --app gis_portal worker --loglevel INFO --hostname prod-worker1@%h \
    --concurrency 2 --detach --pidfile "$RUN/worker.pid" --logfile "$LOGS/worker-1.log" \
    && pid_written worker || return 1
  # Not --detach: beat then takes its pid file twice, and between the two it has none.
  setsid .venv/bin/celery --app gis_portal beat --loglevel INFO --pidfile "$RUN/beat.pid" \
    --schedule "$STATE/celerybeat-schedule" --logfile "$LOGS/beat.log" \
    </dev/null >>"$LOGS/beat.log" 2>&1 &
  pid_written beat || return 1
  nginx -e "$LOGS/nginx-error.log" -c "$STATE/nginx/nginx.conf" && pid_written nginx
}

start() {
  stop quiet
  mkdir -p "$STATE" "$RUN" "$LOGS" "$STATE/media" "$STATE/static"
  write_env
  load_env
  prepare_system
  self_signed_certificate
  collect_static
  render_nginx
  nginx -t -q -e "$LOGS/nginx-error.log" -c "$STATE/nginx/nginx.conf"

  log "starting gunicorn, a Celery worker and beat, nginx"
  if ! start_daemons || ! wait_healthy; then
    stop quiet
    die "the stack did not start (everything started is stopped again): see $LOGS/"
  fi
  log "running: https://$BIND:$HTTPS_PORT/ (self-signed certificate $STATE/tls/cert.pem),"
  log "  http://$BIND:$HTTP_PORT/ redirects there; logs in $LOGS/"
  log "  an administrator: scripts/prod.sh manage createsuperuser; stop: make prod-stop"
}

# TERM, as systemd stops a unit: each finishes what it has in hand (30 s at most, then KILL for
# its whole process group; every daemon here has a session of its own).
stop_daemons() {
  local name pid pids=()
  for name in "$@"; do
    if pid_alive "$RUN/$name.pid"; then
      pid="$(cat "$RUN/$name.pid")"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$name:$pid")
    else
      rm -f "$RUN/$name.pid"
    fi
  done
  for entry in "${pids[@]}"; do
    pid="${entry#*:}"
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "${entry%%:*} ($pid) did not stop in 30 s: killing it"
      local group
      group="$(ps -o pgid= -p "$pid" | tr -d ' ')"
      if [ -n "$group" ] && [ "$group" != "$(ps -o pgid= -p $$ | tr -d ' ')" ]; then
        kill -KILL -- "-$group" 2>/dev/null || true
      fi
      kill -KILL "$pid" 2>/dev/null || true
    fi
    # Most remove their pid file on the way out; a killed one cannot.
    rm -f "$RUN/${entry%%:*}.pid"
  done
  STOPPED=$((STOPPED + ${#pids[@]}))
}

stop() {
  STOPPED=0
  # nginx first, so no request reaches an application that is going away; the rest together.
  stop_daemons nginx
  stop_daemons gunicorn worker beat
  rm -f "$RUN/gunicorn.sock"
  local any=$((STOPPED > 0 ? 1 : 0))
  if [ "${1:-}" != quiet ]; then
    if [ "$any" -eq 1 ]; then log "stopped"; else log "nothing was running"; fi
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  manage)
    shift
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE yet: run make prod first"
    load_env
    exec "$PY" manage.py "$@"
    ;;
  *) die "usage: scripts/prod.sh start | stop | manage <arguments>" ;;
esac
