#!/usr/bin/env bash
# Idempotent set-up of a fresh Debian 12 machine for the portal:
#   system packages, PostgreSQL 15 + PostGIS 3, Redis, role/database/extension, .venv,
#   migrations and the default boundary import.
# Usage: scripts/setup.sh [--no-boundaries] [--browser] [--nginx] [--bench]
#   --nginx  also nginx (and its brotli module where Debian has one), for `make prod`
#   --bench  also wrk, the HTTP load generator of bench/locate_bench.py (`make bench`), and
#            Lighthouse with Chromium for bench/lighthouse_bench.py
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DB_NAME="${DB_NAME:-gis_portal}"
DB_USER="${DB_USER:-gis_portal}"
DB_PASSWORD="${DB_PASSWORD:-gis_portal}"
DB_PORT="${DB_PORT:-5432}"
PG_VERSION=15
LOAD_BOUNDARIES=1
WITH_BROWSER=0
WITH_NGINX=0
WITH_BENCH=0
for arg in "$@"; do
  case "$arg" in
    --no-boundaries) LOAD_BOUNDARIES=0 ;;
    --browser) WITH_BROWSER=1 ;;
    --nginx) WITH_NGINX=1 ;;
    --bench) WITH_BENCH=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

log() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

# --- 1. system packages (only what is missing) ---------------------------------------
PACKAGES=(
  "postgresql-$PG_VERSION" "postgresql-$PG_VERSION-postgis-3" postgresql-client-$PG_VERSION
  redis-server redis-tools gdal-bin libgeos-c1v5 libproj25 binutils xz-utils ffmpeg
  python3 python3-venv python3-dev build-essential make ca-certificates
  # Connection pooling (README, "Connection pooling"): tests/deploy/test_pgbouncer.py runs one.
  pgbouncer
  # A real IMAP mailbox for tests/mailin (which starts its own); the portal needs none locally.
  dovecot-imapd
  # msgfmt/xgettext: the English catalogue is compiled here and checked by `make test`.
  gettext
)
[ "$WITH_BROWSER" -eq 1 ] && PACKAGES+=(chromium chromium-driver fonts-dejavu-core)
[ "$WITH_NGINX" -eq 1 ] && PACKAGES+=(nginx openssl)
[ "$WITH_BENCH" -eq 1 ] && PACKAGES+=(wrk)
# Lighthouse (bench/lighthouse_bench.py) drives Debian's Chromium; Node.js and npm from Debian
# unless the machine has its own (Debian 12's Node.js 18.19 runs Lighthouse 12).
[ "$WITH_BENCH" -eq 1 ] && PACKAGES+=(chromium fonts-dejavu-core)
[ "$WITH_BENCH" -eq 1 ] && ! command -v npm >/dev/null && PACKAGES+=(nodejs npm)
# axe-core (tests/a11y) is injected into the browser tests' pages; npm installs it.
[ "$WITH_BROWSER" -eq 1 ] && ! command -v npm >/dev/null && PACKAGES+=(nodejs npm)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=()
for pkg in "${PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The package enables a system IMAP server on ports 143/993: the portal reads its provider's
# mailbox, so the local one stays off (tests/mailin runs dovecot on a port of its own).
if installed dovecot-core && command -v systemctl >/dev/null \
  && systemctl is-enabled dovecot >/dev/null 2>&1; then
  $SUDO systemctl disable --now dovecot >/dev/null 2>&1 || true
fi
# Brotli only where Debian packages the module (bookworm does); nginx gzips without it.
BROTLI=libnginx-mod-http-brotli-filter
if [ "$WITH_NGINX" -eq 1 ] && ! installed "$BROTLI" && apt-cache show "$BROTLI" >/dev/null 2>&1; then
  log "installing $BROTLI"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$BROTLI" \
    || log "$BROTLI not installed: nginx serves gzip only"
fi

# --- 2. PostgreSQL running ---------------------------------------------------------------
if ! pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" '$1==v && $2=="main"' | grep -q .; then
  log "creating PostgreSQL $PG_VERSION cluster"
  $SUDO pg_createcluster "$PG_VERSION" main --port "$DB_PORT"
fi
if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
  log "starting PostgreSQL $PG_VERSION"
  $SUDO pg_ctlcluster "$PG_VERSION" main start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$DB_PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$DB_PORT" || { echo "setup.sh: PostgreSQL did not start" >&2; exit 1; }

# Map tiles read many scattered rows: give PostgreSQL a quarter of the memory (at most 4 GB,
# PG_SHARED_BUFFERS_MB overrides) so they come from its own cache, and turn JIT off, which
# compiles for longer than these short queries run. Restarts only when the setting changes.
mem_mb=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
want_mb="${PG_SHARED_BUFFERS_MB:-$(( mem_mb / 4 > 4096 ? 4096 : mem_mb / 4 ))}"
have_mb=$(as_postgres psql -p "$DB_PORT" -qtAc "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")
if [ "$have_mb" != "$want_mb" ]; then
  log "PostgreSQL: shared_buffers ${have_mb} MB -> ${want_mb} MB, jit off (restart)"
  as_postgres psql -p "$DB_PORT" -qtAc "ALTER SYSTEM SET shared_buffers = '${want_mb}MB'"
  as_postgres psql -p "$DB_PORT" -qtAc "ALTER SYSTEM SET jit = off"
  $SUDO pg_ctlcluster "$PG_VERSION" main restart
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$DB_PORT" && break; sleep 1; done
fi

# --- 3. Redis running --------------------------------------------------------------------
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  log "starting Redis"
  $SUDO redis-server --daemonize yes --bind 127.0.0.1 --port 6379 \
    --dir /var/lib/redis --logfile /var/log/redis/redis-server.log
  for _ in $(seq 1 20); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 0.5; done
fi
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null || { echo "setup.sh: Redis did not start" >&2; exit 1; }

# --- 4. role, database, PostGIS ----------------------------------------------------------
psql_admin() { PGOPTIONS="-c client_min_messages=warning" as_postgres psql -p "$DB_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" != "1" ]; then
  log "creating role $DB_USER"
  psql_admin -c "CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  log "creating database $DB_NAME"
  psql_admin -c "CREATE DATABASE \"$DB_NAME\" OWNER \"$DB_USER\""
fi
# PostGIS in template1 too, so the test database pytest creates has it without superuser rights.
for db in template1 "$DB_NAME"; do
  psql_admin -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis"
done

# --- 5. virtualenv -----------------------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  log "creating .venv"
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  log "installing the project into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[dev]'
  rm -f .venv/.installed-*
  touch "$stamp"
fi

# Lighthouse at the version of bench/lighthouse/package-lock.json, again only when it changed.
if [ "$WITH_BENCH" -eq 1 ]; then
  lighthouse_dir=bench/lighthouse
  if [ ! -f "$lighthouse_dir/node_modules/.package-lock.json" ] \
      || [ "$lighthouse_dir/package-lock.json" -nt "$lighthouse_dir/node_modules/.package-lock.json" ]; then
    log "installing Lighthouse into $lighthouse_dir (npm ci)"
    npm ci --prefix "$lighthouse_dir" --no-audit --no-fund --loglevel=error
  fi
fi

# axe-core at the version of tests/a11y/package-lock.json, only when it changed.
if [ "$WITH_BROWSER" -eq 1 ]; then
  axe_dir=tests/a11y
  if [ ! -f "$axe_dir/node_modules/.package-lock.json" ] \
      || [ "$axe_dir/package-lock.json" -nt "$axe_dir/node_modules/.package-lock.json" ]; then
    log "installing axe-core into $axe_dir (npm ci)"
    npm ci --prefix "$axe_dir" --no-audit --no-fund --loglevel=error
  fi
fi

# --- 6. schema and data ------------------------------------------------------------------
export DB_NAME DB_USER DB_PASSWORD DB_PORT
.venv/bin/python manage.py migrate --noinput -v 0
# The committed locale/*/LC_MESSAGES/*.po become the .mo files Django reads (not committed).
.venv/bin/python manage.py compilemessages -v 0 -i .venv -i var -i node_modules -i tests
if [ "$LOAD_BOUNDARIES" -eq 1 ]; then
  .venv/bin/python manage.py boundaries_import --if-empty
  # Categories, agencies, special zones and rules authored in data/routing (idempotent).
  .venv/bin/python manage.py routing_load
  # The category suggestion's first model (idempotent): web workers then never fit one.
  .venv/bin/python manage.py suggest_retrain
fi
log "ready"
